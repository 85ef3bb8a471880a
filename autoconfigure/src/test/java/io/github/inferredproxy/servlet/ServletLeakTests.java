package io.github.inferredproxy.servlet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.github.inferredproxy.testsupport.TomcatThreadStateProbe;
import io.opentelemetry.api.common.AttributeKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing leaks between requests under concurrent load: a mix of plain, async, failing,
 * timed-out and client-cancelled requests, with and without gateway headers, leaves no
 * current observation, scope or span on Tomcat's worker threads, and every request with
 * gateway headers gets exactly one gateway span, which ends.
 */
@InferredProxyServletTest
class ServletLeakTests {

	private static final int REQUESTS = 200;

	private static final List<String> PATHS = List.of("/orders/1", "/deferred", "/callable", "/fail", "/deferred/fail",
			"/sse", "/web-async-task", "/send-error/503", "/forward", "/trace");

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	GatewayObservationRecorder gatewayObservations;

	@Autowired
	TomcatThreadStateProbe threadState;

	private TestHttpClient client;

	private ExecutorService clients;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
		this.clients = Executors.newFixedThreadPool(16);
	}

	@AfterEach
	void tearDown() {
		this.clients.shutdownNow();
	}

	@Test
	void concurrentMixedRequestsLeaveNothingBehindAndEachGetsOneGatewaySpan() throws Exception {
		long checksBefore = this.threadState.checks();
		List<String> gatewayRequestIds = new ArrayList<>();
		List<Future<?>> sent = new ArrayList<>();
		for (int i = 0; i < REQUESTS; i++) {
			String id = "leak-" + i + "-" + UUID.randomUUID();
			boolean withGatewayHeaders = i % 7 != 0;
			Map<String, String> headers = withGatewayHeaders
					? GatewayHeaders.restApi(System.currentTimeMillis() - 100, id)
					: Map.of(GatewayObservationRecorder.REQUEST_ID_HEADER, id);
			if (withGatewayHeaders) {
				gatewayRequestIds.add(id);
			}
			if (i % 10 == 3) {
				// Read the start of the stream, then reset the connection.
				sent.add(this.clients.submit(() -> {
					this.client.getAndHangUpAfter("/sse/long", headers, "data:");
					return null;
				}));
			}
			else if (i % 25 == 11) {
				sent.add(this.clients.submit(() -> this.client.get("/deferred/timeout", headers)));
			}
			else {
				String path = PATHS.get(i % PATHS.size());
				sent.add(this.clients.submit(() -> this.client.get(path, headers)));
			}
		}
		for (Future<?> future : sent) {
			future.get(30, TimeUnit.SECONDS);
		}

		// Cancelled streams end when the application next writes to them.
		for (String id : gatewayRequestIds) {
			assertThat(this.gatewayObservations.awaitStopped(id)).as(id).hasSize(2).first().isEqualTo("start");
		}
		for (String id : gatewayRequestIds) {
			this.spans.awaitGatewaySpan(id);
		}
		AttributeKey<String> urlPath = AttributeKey.stringKey("url.path");
		for (String id : gatewayRequestIds) {
			String path = GatewayHeaders.gatewayPath(id);
			assertThat(this.spans.all()).as(id)
				.filteredOn((span) -> path.equals(span.getAttributes().get(urlPath)))
				.singleElement()
				.satisfies((gateway) -> assertThat(gateway.hasEnded()).isTrue());
		}

		// Run more requests on the same worker threads, so that whatever the load left
		// on a thread is seen by the next dispatch there.
		List<Future<?>> probes = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			probes.add(this.clients.submit(() -> this.client.get("/orders/2", Map.of())));
		}
		for (Future<?> probe : probes) {
			probe.get(30, TimeUnit.SECONDS);
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.threadState.checks() >= checksBefore + 2L * (REQUESTS + 100));
		assertThat(this.threadState.leftovers()).isEmpty();
	}

}
