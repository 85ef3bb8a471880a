package io.github.inferredproxy.sample;

import java.math.BigDecimal;

/**
 * An order.
 *
 * @param id the id
 * @param customer who ordered
 * @param item what was ordered
 * @param total what it costs
 * @author Inferred Proxy contributors
 */
public record Order(String id, String customer, String item, BigDecimal total) {

}
