package io.github.inferredproxy.testsupport;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import static org.awaitility.Awaitility.await;

/**
 * Finds the gateway timers of a test's own requests.
 */
public final class GatewayTimers {

	private GatewayTimers() {
	}

	/**
	 * Wait, at most 10 seconds, until {@code inferred.proxy.requests} has a timer tagged
	 * with {@code stage} that has recorded a sample (it is registered just before).
	 * @param meterRegistry the meter registry
	 * @param stage the stage the test's requests carry
	 * @return the timer
	 */
	public static Timer awaitRequestsTimer(MeterRegistry meterRegistry, String stage) {
		return await("inferred.proxy.requests timer of stage " + stage).atMost(Duration.ofSeconds(10))
			.until(() -> meterRegistry.find("inferred.proxy.requests").tag("stage", stage).timer(),
					(timer) -> timer != null && timer.count() > 0);
	}

}
