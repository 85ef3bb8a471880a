package io.github.inferredproxy.servlet;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that forges the gateway headers of every request cannot grow the gateway
 * timers without bound: 10,000 requests with forged route, stage and method values, in 25
 * times more combinations than the maximum, make at most
 * {@code inferred-proxy.max-tag-sets} series plus their overflow, lose no sample, and the
 * application keeps answering. {@code InferredProxyMeterObservationHandlerTests} shows
 * the maximum under concurrency and for the overflow series; this is the whole stack,
 * from the forged headers to Boot's meter registry. Spans are not sampled, so that the
 * test measures the meters alone.
 */
@SpringBootTest(classes = ServletTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=0.0", "inferred-proxy.max-tag-sets=100" })
class ServletForgedHeaderSeriesTests {

	private static final int REQUESTS = 10_000;

	/** 50 routes x 50 stages. */
	private static final int COMBINATIONS = 2_500;

	/** As in the properties above. */
	private static final int MAX_TAG_SETS = 100;

	private static final int CLIENTS = 8;

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	void forgedValuesInManyCombinationsMakeABoundedNumberOfSeries() throws Exception {
		TestHttpClient client = new TestHttpClient(this.port);
		String padding = "x".repeat(500);
		AtomicInteger next = new AtomicInteger();
		AtomicInteger answered = new AtomicInteger();
		ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int c = 0; c < CLIENTS; c++) {
				running.add(clients.submit(() -> {
					for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
						Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 5);
						// Each tag alone stays under the maximum, their combinations do
						// not.
						headers.put("x-dd-proxy-resource-path", "/forged/" + (i % 50) + "/" + padding);
						headers.put("x-dd-proxy-stage", "stage-" + ((i / 50) % 50) + "-" + padding);
						headers.put("x-dd-proxy-httpmethod", "M" + i);
						HttpResponse<String> response = client.get("/orders/" + i, headers);
						if (response.statusCode() == 200) {
							answered.incrementAndGet();
						}
					}
					return null;
				}));
			}
			for (Future<?> clientRun : running) {
				clientRun.get(5, TimeUnit.MINUTES);
			}
		}
		finally {
			clients.shutdownNow();
		}
		assertThat(answered).hasValue(REQUESTS);
		// A response can arrive before its request is recorded: wait for the last ones.
		// Under load the JDK's client may send a GET again whose connection closed before
		// its response, so the server's own count of requests is the reference.
		await("every request recorded").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			long served = this.meterRegistry.find("http.server.requests")
				.tag("uri", "/orders/{id}")
				.timers()
				.stream()
				.mapToLong(Timer::count)
				.sum();
			assertThat(served).isGreaterThanOrEqualTo(REQUESTS);
			for (String name : List.of("inferred.proxy.requests", "inferred.proxy.transit")) {
				Collection<Timer> timers = this.meterRegistry.find(name).timers();
				// 100 as the headers said, then one overflow series: the other tags are
				// the same.
				assertThat(timers).as(name).hasSize(MAX_TAG_SETS + 1);
				assertThat(timers.stream().mapToLong(Timer::count).sum()).as(name).isEqualTo(served);
				// Each combination comes REQUESTS / COMBINATIONS times: those of the
				// first series, and any request sent again, are not overflow.
				long ownSeries = (long) MAX_TAG_SETS * (REQUESTS / COMBINATIONS);
				assertThat(this.meterRegistry.get(name).tag("route", "OTHER").tag("stage", "OTHER").timer().count())
					.as(name)
					.isBetween(REQUESTS - ownSeries, served - ownSeries);
			}
		});
		assertThat(client.get("/orders/1", Map.of()).statusCode()).isEqualTo(200);
	}

}
