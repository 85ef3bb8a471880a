package io.github.inferredproxy.sample;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.stereotype.Repository;

/**
 * An in-memory store of orders. Each lookup is observed, so that the traces show a span
 * below the server span.
 *
 * @author Inferred Proxy contributors
 */
@Repository
public class OrderRepository {

	private final Map<String, Order> orders = new ConcurrentSkipListMap<>();

	private final AtomicLong ids = new AtomicLong(3);

	private final ObservationRegistry observationRegistry;

	OrderRepository(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
		save(new Order("1", "ada", "mechanical keyboard", new BigDecimal("129.00")));
		save(new Order("2", "grace", "usb-c dock", new BigDecimal("89.90")));
		save(new Order("3", "linus", "espresso machine", new BigDecimal("349.00")));
	}

	/**
	 * Return all orders.
	 * @return the orders, by id
	 */
	public List<Order> findAll() {
		return List.copyOf(this.orders.values());
	}

	/**
	 * Find an order.
	 * @param id the id
	 * @return the order, if any
	 */
	public Optional<Order> findById(String id) {
		return Observation.createNotStarted("order.lookup", this.observationRegistry)
			.lowCardinalityKeyValue("store", "in-memory")
			.observe(() -> Optional.ofNullable(this.orders.get(id)));
	}

	/**
	 * Create an order with a new id.
	 * @param customer who orders
	 * @param item what
	 * @param total what it costs
	 * @return the order
	 */
	public Order create(String customer, String item, BigDecimal total) {
		return save(new Order(String.valueOf(this.ids.incrementAndGet()), customer, item, total));
	}

	private Order save(Order order) {
		this.orders.put(order.id(), order);
		return order;
	}

}
