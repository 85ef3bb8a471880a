package io.github.inferredproxy.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Concurrent clients sending a mix of valid, invalid, failing, slow and aborted gateway
 * requests to a real server, and the checks that must hold afterwards, whatever the web
 * stack. Every request is told apart by its gateway path {@code /prod/<kind>-<n>} and the
 * run by its stage; loopback only, every wait bounded.
 */
public final class FaultLoad {

	private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

	private static final AttributeKey<String> STAGE = AttributeKey.stringKey("stage");

	private final TestHttpClient client;

	private final Endpoints endpoints;

	private final String stage = "fault-" + System.nanoTime();

	private final Map<String, Kind> sent = new ConcurrentHashMap<>();

	/**
	 * Create a load.
	 * @param port the local server port
	 * @param endpoints the application's endpoints for each kind of request
	 */
	public FaultLoad(int port, Endpoints endpoints) {
		this.client = new TestHttpClient(port);
		this.endpoints = endpoints;
	}

	/**
	 * Send {@code requests} requests, the kinds in turn, from {@code clients} threads.
	 * @param requests how many requests
	 * @param clients how many concurrent clients
	 * @throws Exception when a client fails or the run takes more than a minute
	 */
	public void run(int requests, int clients) throws Exception {
		AtomicInteger next = new AtomicInteger();
		ExecutorService threads = Executors.newFixedThreadPool(clients);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int c = 0; c < clients; c++) {
				running.add(threads.submit(() -> {
					for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
						send(Kind.values()[i % Kind.values().length], i);
					}
					return null;
				}));
			}
			for (Future<?> clientRun : running) {
				clientRun.get(1, TimeUnit.MINUTES);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	private void send(Kind kind, int n) throws Exception {
		String id = kind.name().toLowerCase() + "-" + n;
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 20);
		headers.put("x-dd-proxy-stage", this.stage);
		headers.put("x-dd-proxy-path", "/prod/" + id);
		this.sent.put("/prod/" + id, kind);
		// Each request on a connection of its own, so that one request's fate cannot be
		// another's: a failure names the request.
		try {
			switch (kind) {
				case VALID ->
					assertThat(this.client.rawGet(this.endpoints.valid(), headers).statusCode()).isEqualTo(200);
				case INVALID -> {
					headers.put("x-dd-proxy-request-time-ms", "soon");
					assertThat(this.client.rawGet(this.endpoints.valid(), headers).statusCode()).isEqualTo(200);
				}
				case FAILING ->
					assertThat(this.client.rawGet(this.endpoints.failing(), headers).statusCode()).isEqualTo(500);
				case SLOW -> assertThat(this.client.rawGet(this.endpoints.slow(), headers).statusCode()).isEqualTo(200);
				case ABORTED_MID_REQUEST ->
					this.client.sendAndHangUp("POST", this.endpoints.upload(), headers, 100_000, "part of the body");
				case ABORTED_MID_RESPONSE ->
					this.client.getAndHangUpAfter(this.endpoints.stream(), headers, this.endpoints.streamMarker());
			}
		}
		catch (Exception | AssertionError ex) {
			throw new AssertionError("Request " + id + " failed", ex);
		}
	}

	/**
	 * Check, waiting at most 20 seconds for the spans of aborted requests, that every
	 * accepted request has exactly one gateway span, and no invalid one has any; that
	 * each gateway span is the parent of one server span in its trace; that no aborted
	 * request is an error and every failing one is; and that the gateway timer counted
	 * each accepted request once.
	 * @param spans the recorded spans
	 * @param meterRegistry the meter registry
	 */
	public void assertEveryRequestObservedOnce(RecordedSpans spans, MeterRegistry meterRegistry) {
		long accepted = this.sent.values().stream().filter(Kind::accepted).count();
		await("a gateway span for each of the " + accepted + " accepted requests").atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> gatewaySpans(spans).size() >= accepted);
		// Still exactly one each a moment later: a second end would export a second span.
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(gatewaySpans(spans).stream().collect(Collectors.groupingBy(this::kindOf, Collectors.counting())))
				.containsExactlyInAnyOrderEntriesOf(acceptedPerKind());
			assertThat(gatewaySpans(spans).stream().map((span) -> span.getAttributes().get(URL_PATH)).distinct())
				.hasSize((int) accepted);
		});
		List<SpanData> all = spans.all();
		for (SpanData gateway : gatewaySpans(spans)) {
			Kind kind = kindOf(gateway);
			assertThat(all).as("server span below the gateway span of %s", gateway.getAttributes().get(URL_PATH))
				.filteredOn(
						(span) -> span.getKind() == SpanKind.SERVER && span.getTraceId().equals(gateway.getTraceId())
								&& span.getParentSpanId().equals(gateway.getSpanId()))
				.hasSize(1);
			StatusCode expected = (kind == Kind.FAILING) ? StatusCode.ERROR : StatusCode.UNSET;
			assertThat(gateway.getStatus().getStatusCode()).as("status of %s", gateway.getAttributes().get(URL_PATH))
				.isEqualTo(expected);
			if (kind.aborted()) {
				assertThat(gateway.getEvents()).as("events of %s", gateway.getAttributes().get(URL_PATH)).isEmpty();
			}
		}
		// The timer may record a request a moment after its span has ended.
		await("gateway timer count").atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(count(meterRegistry, null)).as("gateway timer count").isEqualTo(accepted));
		// And not more a moment later: a second stop would count a request twice.
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
			assertThat(count(meterRegistry, null)).as("gateway timer count").isEqualTo(accepted);
			assertThat(count(meterRegistry, "SERVER_ERROR")).as("server errors counted")
				.isEqualTo(acceptedPerKind().get(Kind.FAILING));
		});
	}

	private long count(MeterRegistry meterRegistry, @Nullable String outcome) {
		Search search = meterRegistry.find("inferred.proxy.requests").tag("stage", this.stage);
		return ((outcome != null) ? search.tag("outcome", outcome) : search).timers()
			.stream()
			.mapToLong(Timer::count)
			.sum();
	}

	private List<SpanData> gatewaySpans(RecordedSpans spans) {
		return spans.all().stream().filter((span) -> this.stage.equals(span.getAttributes().get(STAGE))).toList();
	}

	private Kind kindOf(SpanData gateway) {
		return this.sent.get(gateway.getAttributes().get(URL_PATH));
	}

	private Map<Kind, Long> acceptedPerKind() {
		return this.sent.values()
			.stream()
			.filter(Kind::accepted)
			.collect(Collectors.groupingBy((kind) -> kind, Collectors.counting()));
	}

	/**
	 * The kinds of request, sent in turn.
	 */
	public enum Kind {

		/**
		 * Gateway headers and an ordinary response.
		 */
		VALID,

		/**
		 * A malformed gateway receive time: no gateway span.
		 */
		INVALID,

		/**
		 * The application fails: a 500.
		 */
		FAILING,

		/**
		 * The application answers after a while.
		 */
		SLOW,

		/**
		 * The client goes away while sending the request body.
		 */
		ABORTED_MID_REQUEST,

		/**
		 * The client goes away while the response is written.
		 */
		ABORTED_MID_RESPONSE;

		boolean accepted() {
			return this != INVALID;
		}

		boolean aborted() {
			return this == ABORTED_MID_REQUEST || this == ABORTED_MID_RESPONSE;
		}

	}

	/**
	 * The application's endpoints for each kind of request.
	 *
	 * @param valid answers 200 at once
	 * @param failing throws, answered with a 500
	 * @param slow answers 200 after a while
	 * @param upload reads the whole request body
	 * @param stream streams a response long enough to go away in the middle
	 * @param streamMarker the text after which the client goes away
	 */
	public record Endpoints(String valid, String failing, String slow, String upload, String stream,
			String streamMarker) {

	}

}
