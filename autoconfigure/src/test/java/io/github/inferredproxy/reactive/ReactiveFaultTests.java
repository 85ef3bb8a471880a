package io.github.inferredproxy.reactive;

import io.github.inferredproxy.testsupport.FaultLoad;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Concurrent valid, invalid, failing, slow and aborted gateway requests on Reactor Netty:
 * each accepted one gets exactly one gateway span, parent of its server span, no aborted
 * one is an error, and the gateway timer counts each accepted request once.
 */
@ReactiveIntegrationTest
class ReactiveFaultTests {

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	void everyRequestOfAFaultyMixIsObservedOnce() throws Exception {
		FaultLoad load = new FaultLoad(this.port,
				new FaultLoad.Endpoints("/orders/1", "/fail", "/delayed", "/upload", "/endless", "data:tick 1"));
		load.run(240, 8);
		load.assertEveryRequestObservedOnce(this.spans, this.meterRegistry);
	}

}
