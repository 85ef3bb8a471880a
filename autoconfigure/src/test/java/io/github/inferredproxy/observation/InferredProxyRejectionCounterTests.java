package io.github.inferredproxy.observation;

import io.github.inferredproxy.gateway.RejectionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyRejectionCounter}.
 */
class InferredProxyRejectionCounterTests {

	private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

	@Test
	void registersOneSeriesPerReasonUpFront() {
		new InferredProxyRejectionCounter(this.meterRegistry);
		assertThat(this.meterRegistry.find("inferred.proxy.rejected").counters())
			.hasSize(RejectionReason.values().length)
			.allSatisfy((counter) -> assertThat(counter.count()).isZero())
			.allSatisfy((counter) -> assertThat(counter.getId().getTags()).singleElement()
				.satisfies((tag) -> assertThat(tag.getKey()).isEqualTo("reason")));
	}

	@Test
	void countsByReason() {
		InferredProxyRejectionCounter counter = new InferredProxyRejectionCounter(this.meterRegistry);
		counter.rejected(RejectionReason.MISSING_REQUEST_TIME);
		counter.rejected(RejectionReason.MISSING_REQUEST_TIME);
		counter.rejected(RejectionReason.INTERNAL_ERROR);
		assertThat(count("missing-request-time")).isEqualTo(2);
		assertThat(count("internal-error")).isEqualTo(1);
		assertThat(count("unsupported-system")).isZero();
	}

	private double count(String reason) {
		Counter counter = this.meterRegistry.get("inferred.proxy.rejected").tag("reason", reason).counter();
		return counter.count();
	}

}
