package io.github.inferredproxy.reactive;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.netty.util.concurrent.EventExecutor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing leaks on Reactor Netty's event loops under concurrent plain, delayed, failing
 * and cancelled requests, and every request gets exactly one gateway span, ended.
 */
@ReactiveIntegrationTest
class ReactiveLeakTests {

	private static final int REQUESTS = 200;

	private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	NettyThreadStateProbe probe;

	@Autowired
	ObservationRegistry observationRegistry;

	@Autowired
	Tracer tracer;

	@Autowired
	MeterRegistry meterRegistry;

	@Autowired
	ReactorResourceFactory reactorResources;

	@Test
	void concurrentMixedRequestsLeaveNoObservationOrScopeBehind() throws Exception {
		this.spans.reset();
		this.probe.reset();
		String stage = "load-" + System.nanoTime();
		TestHttpClient client = new TestHttpClient(this.port);
		ExecutorService clients = Executors.newFixedThreadPool(16);
		try {
			List<Future<?>> requests = new ArrayList<>();
			for (int i = 0; i < REQUESTS; i++) {
				Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50);
				headers.put("x-dd-proxy-path", "/load/" + i);
				headers.put("x-dd-proxy-stage", stage);
				String path = switch (i % 5) {
					case 0 -> "/orders/" + i;
					case 1 -> "/delayed";
					case 2 -> "/fail-mono";
					case 3 -> "/fail-delayed";
					default -> "/endless";
				};
				int request = i;
				requests.add(clients.submit(() -> {
					try {
						if (path.equals("/endless")) {
							client.getAndHangUpAfter(path, headers, "data:tick 1");
						}
						else {
							// A connection per request: under CPU starvation the JDK
							// HttpClient's
							// pooled connections to Reactor Netty occasionally stall for
							// good, with
							// or without gateway headers (reproduced with and without the
							// starter).
							client.rawGet(path, headers);
						}
					}
					catch (Exception ex) {
						throw new IllegalStateException("Request " + request + " to " + path + " failed", ex);
					}
					return null;
				}));
			}
			for (Future<?> request : requests) {
				request.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			clients.shutdownNow();
		}

		List<SpanData> gatewaySpans = await("all gateway spans ended").atMost(30, TimeUnit.SECONDS)
			.until(() -> this.spans.all()
				.stream()
				.filter((span) -> span.getName().equals("aws.apigateway"))
				.filter((span) -> span.getAttributes().get(URL_PATH).startsWith("/load/"))
				.toList(), (ended) -> ended.size() >= REQUESTS);
		Map<String, Long> spansPerRequest = gatewaySpans.stream()
			.collect(Collectors.groupingBy((span) -> span.getAttributes().get(URL_PATH), Collectors.counting()));
		assertThat(spansPerRequest).hasSize(REQUESTS).allSatisfy((path, count) -> assertThat(count).isOne());
		// Stopped once each: the timer counts every stop.
		await().atMost(5, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(this.meterRegistry.get("inferred.proxy.requests")
				.tag("stage", stage)
				.timers()
				.stream()
				.mapToLong((timer) -> timer.count())
				.sum()).isEqualTo(REQUESTS));
		Set<String> gatewaySpanIds = gatewaySpans.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
		await("a server span below each gateway span").atMost(10, TimeUnit.SECONDS)
			.untilAsserted(() -> assertThat(this.spans.all()
				.stream()
				.filter((span) -> gatewaySpanIds.contains(span.getParentSpanId()))
				.map(SpanData::getParentSpanId)
				.collect(Collectors.toSet())).isEqualTo(gatewaySpanIds));

		assertThat(this.probe.outermost).as("probe wraps the gateway decorator").isTrue();
		assertThat(this.probe.requestThreads).isNotEmpty();
		assertThat(this.probe.violations).isEmpty();
		assertThat(checkEveryServerEventLoop(this.reactorResources, this.observationRegistry, this.tracer))
			.containsAll(this.probe.requestThreads);
	}

	/**
	 * Run a check of the thread state on every event loop of the server, and assert that
	 * each is clean.
	 * @param reactorResources the server's Reactor Netty resources
	 * @param observationRegistry the observation registry
	 * @param tracer the tracer
	 * @return the names of the threads checked
	 */
	static Set<String> checkEveryServerEventLoop(ReactorResourceFactory reactorResources,
			ObservationRegistry observationRegistry, Tracer tracer) throws Exception {
		// The loops Boot's Reactor Netty server runs on (not Reactor Netty's global
		// ones).
		LoopResources loops = reactorResources.getLoopResources();
		Set<String> checked = ConcurrentHashMap.newKeySet();
		List<String> violations = new CopyOnWriteArrayList<>();
		for (boolean preferNative : new boolean[] { true, false }) {
			for (EventExecutor loop : loops.onServer(preferNative)) {
				loop.submit(() -> {
					checked.add(Thread.currentThread().getName());
					violations.addAll(NettyThreadStateProbe.check("idle event loop", observationRegistry, tracer));
				}).get(5, TimeUnit.SECONDS);
			}
		}
		assertThat(violations).isEmpty();
		return checked;
	}

}
