package io.github.inferredproxy.sample;

import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.task.support.ContextPropagatingTaskDecorator;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Asks a (pretend) carrier for the shipment of an order on its own threads: the async
 * endpoint of the sample. The executor carries the current observation over to its
 * threads, so the carrier call stays in the request's trace.
 *
 * @author Inferred Proxy contributors
 */
@Component
public class ShippingClient implements DisposableBean {

	static final Duration CARRIER_LATENCY = Duration.ofMillis(120);

	private final ObservationRegistry observationRegistry;

	private final ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();

	ShippingClient(ObservationRegistry observationRegistry) {
		this.observationRegistry = observationRegistry;
		this.executor.setThreadNamePrefix("carrier-");
		this.executor.setCorePoolSize(4);
		this.executor.setTaskDecorator(new ContextPropagatingTaskDecorator());
		this.executor.initialize();
	}

	/**
	 * Ask the carrier where an order is.
	 * @param order the order
	 * @return the shipment, later
	 */
	public CompletableFuture<Shipment> shipment(Order order) {
		return this.executor
			.submitCompletable(() -> Observation.createNotStarted("carrier.track", this.observationRegistry)
				.lowCardinalityKeyValue("carrier", "parcel-express")
				.observeChecked(() -> {
					Thread.sleep(CARRIER_LATENCY.toMillis());
					return new Shipment(order.id(), "parcel-express", "in transit", LocalDate.now().plusDays(2));
				}));
	}

	@Override
	public void destroy() {
		this.executor.shutdown();
	}

	/**
	 * Where an order is.
	 *
	 * @param orderId the order
	 * @param carrier who carries it
	 * @param status where it is
	 * @param expectedDelivery when it arrives
	 */
	public record Shipment(String orderId, String carrier, String status, LocalDate expectedDelivery) {

	}

}
