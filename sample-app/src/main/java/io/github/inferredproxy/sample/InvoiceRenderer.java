package io.github.inferredproxy.sample;

import java.time.Duration;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.stereotype.Component;

/**
 * Renders invoices, slowly: the slow endpoint of the sample.
 *
 * @author Inferred Proxy contributors
 */
@Component
public class InvoiceRenderer {

	static final Duration RENDER_TIME = Duration.ofMillis(300);

	private final ObservationRegistry observationRegistry;

	InvoiceRenderer(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
	}

	/**
	 * Render the invoice of an order. Blocks for {@link #RENDER_TIME}.
	 * @param order the order
	 * @return the invoice text
	 */
	public String render(Order order) {
		return Observation.createNotStarted("invoice.render", this.observationRegistry).observe(() -> {
			sleep(RENDER_TIME);
			return "INVOICE %s%n%s: %s  EUR %s%n".formatted(order.id(), order.customer(), order.item(), order.total());
		});
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
