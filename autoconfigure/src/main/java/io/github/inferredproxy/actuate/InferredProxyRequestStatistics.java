package io.github.inferredproxy.actuate;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.RejectionReason;
import io.github.inferredproxy.observation.InferredProxyRequestListener;
import org.jspecify.annotations.Nullable;

/**
 * Counts, since start-up, the requests with gateway headers that got a gateway span and
 * those that did not, by reason, and remembers the last rejection: what the
 * {@code inferredproxy} endpoint shows. Fixed size, whatever the traffic.
 *
 * @author Inferred Proxy contributors
 */
public final class InferredProxyRequestStatistics implements InferredProxyRequestListener {

	private final Clock clock;

	private final LongAdder accepted = new LongAdder();

	// By ordinal, one per reason.
	private final LongAdder[] rejected = new LongAdder[RejectionReason.values().length];

	private final AtomicReference<@Nullable Rejection> lastRejection = new AtomicReference<>();

	/**
	 * Create statistics that tell the time of a rejection by the system clock.
	 */
	public InferredProxyRequestStatistics() {
		this(Clock.systemUTC());
	}

	InferredProxyRequestStatistics(Clock clock) {
		this.clock = clock;
		for (RejectionReason reason : RejectionReason.values()) {
			this.rejected[reason.ordinal()] = new LongAdder();
		}
	}

	@Override
	public void accepted(GatewayRequest request) {
		this.accepted.increment();
	}

	@Override
	public void rejected(RejectionReason reason) {
		this.rejected[reason.ordinal()].increment();
		this.lastRejection.set(new Rejection(reason.tagValue(), this.clock.instant()));
	}

	/**
	 * Return how many requests got a gateway span.
	 * @return the count since start-up
	 */
	public long getAccepted() {
		return this.accepted.sum();
	}

	/**
	 * Return how many requests with gateway headers got no gateway span, by reason.
	 * @return the counts since start-up, keyed by the {@code reason} tag value, every
	 * reason listed
	 */
	public Map<String, Long> getRejected() {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (RejectionReason reason : RejectionReason.values()) {
			counts.put(reason.tagValue(), this.rejected[reason.ordinal()].sum());
		}
		return counts;
	}

	/**
	 * Return the last request that got no gateway span.
	 * @return its reason and time, or {@code null} when there was none
	 */
	public @Nullable Rejection getLastRejection() {
		return this.lastRejection.get();
	}

	/**
	 * A request with gateway headers that got no gateway span.
	 *
	 * @param reason the {@code reason} tag value, for example {@code untrusted}
	 * @param time when it was received
	 */
	public record Rejection(String reason, Instant time) {

	}

}
