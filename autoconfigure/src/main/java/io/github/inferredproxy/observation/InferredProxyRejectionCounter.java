package io.github.inferredproxy.observation;

import io.github.inferredproxy.gateway.RejectionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts requests that carried gateway headers but got no gateway span, as
 * {@value #NAME}, tagged with a {@code reason}.
 *
 * @author Inferred Proxy contributors
 */
public final class InferredProxyRejectionCounter implements InferredProxyRequestListener {

	/**
	 * Name of the counter.
	 */
	public static final String NAME = "inferred.proxy.rejected";

	// By ordinal: one counter per reason, every one registered up front.
	private final Counter[] counters = new Counter[RejectionReason.values().length];

	/**
	 * Create a counter, registering one series per reason.
	 * @param meterRegistry where to count
	 */
	public InferredProxyRejectionCounter(MeterRegistry meterRegistry) {
		for (RejectionReason reason : RejectionReason.values()) {
			this.counters[reason.ordinal()] = Counter.builder(NAME)
				.description("Requests that carried gateway headers but got no gateway span")
				.tag("reason", reason.tagValue())
				.register(meterRegistry);
		}
	}

	@Override
	public void rejected(RejectionReason reason) {
		this.counters[reason.ordinal()].increment();
	}

}
