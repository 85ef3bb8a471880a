package io.github.inferredproxy.testsupport;

import java.util.ArrayList;
import java.util.List;

import io.github.inferredproxy.observation.GatewayRequestIdMdc;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.context.Context;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * What the current thread carries from observations, tracing and the gateway request id
 * in the MDC: nothing, on a server thread between requests.
 */
public final class ThreadState {

	private ThreadState() {
	}

	/**
	 * Return what the current thread carries: a current observation, an observation
	 * scope, a Micrometer span, an OpenTelemetry context or a gateway request id in the
	 * MDC.
	 * @param registry the observation registry, or {@code null}
	 * @param tracer the tracer, or {@code null}
	 * @return one description per leftover, empty when the thread is clean
	 */
	public static List<String> leftovers(@Nullable ObservationRegistry registry, @Nullable Tracer tracer) {
		List<String> found = new ArrayList<>();
		if (registry != null && registry.getCurrentObservation() != null) {
			found.add("observation " + registry.getCurrentObservation());
		}
		if (registry != null && registry.getCurrentObservationScope() != null) {
			found.add("observation scope " + registry.getCurrentObservationScope());
		}
		if (tracer != null && tracer.currentSpan() != null) {
			found.add("span " + tracer.currentSpan());
		}
		if (Context.current() != Context.root()) {
			found.add("OpenTelemetry context " + Context.current());
		}
		if (MDC.get(GatewayRequestIdMdc.KEY) != null) {
			found.add("MDC " + GatewayRequestIdMdc.KEY + "=" + MDC.get(GatewayRequestIdMdc.KEY));
		}
		return found;
	}

}
