package io.github.inferredproxy.servlet;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code inferred.proxy.requests} and {@code inferred.proxy.transit} timers on Spring
 * MVC: measured from the gateway's receive time, tagged with the same low-cardinality key
 * set on every sample. Each test uses its own stage, so that its series are its own.
 */
@InferredProxyServletTest
class ServletMetricsTests {

	private static final String REQUESTS = "inferred.proxy.requests";

	private static final String TRANSIT = "inferred.proxy.transit";

	private static final Set<String> TAG_KEYS = Set.of("system", "stage", "method", "route", "status", "outcome");

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meterRegistry;

	@Autowired
	GatewayObservationRecorder gatewayObservations;

	private TestHttpClient client;

	private String stage;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
		this.stage = "stage-" + UUID.randomUUID();
	}

	@Test
	void timersAreMeasuredFromTheGatewayTime() throws Exception {
		long gatewayMillis = System.currentTimeMillis() - 2000;
		long sentMillis = System.currentTimeMillis();
		send("/orders/42", gatewayMillis, Map.of());
		long receivedMillis = System.currentTimeMillis();
		Timer requests = awaitTimer(REQUESTS);
		Timer transit = awaitTimer(TRANSIT);
		assertThat(requests.count()).isOne();
		assertThat(transit.count()).isOne();
		// Whole milliseconds on the client, nanoseconds in the timer, which adds the
		// monotonic time since receipt to the wall-clock transit: the two clocks may
		// disagree by a few milliseconds.
		double upperBound = receivedMillis + 5 - gatewayMillis;
		assertThat(requests.max(TimeUnit.MILLISECONDS)).isBetween(2000.0, upperBound);
		// The gateway time to the moment the application received the request.
		assertThat(transit.max(TimeUnit.MILLISECONDS)).isBetween((double) (sentMillis - gatewayMillis), upperBound);
		assertThat(transit.max(TimeUnit.MILLISECONDS)).isLessThanOrEqualTo(requests.max(TimeUnit.MILLISECONDS));
	}

	@Test
	void requestsTimerOfAnAsyncRequestRunsUntilTheResponseIsComplete() throws Exception {
		long gatewayMillis = System.currentTimeMillis() - 500;
		send("/deferred", gatewayMillis, Map.of());
		// At least 500 ms before the application saw it, then a result set 100 ms later.
		double transit = awaitTimer(TRANSIT).max(TimeUnit.MILLISECONDS);
		assertThat(transit).isGreaterThanOrEqualTo(500.0);
		assertThat(awaitTimer(REQUESTS).max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(transit + 100.0);
	}

	@ParameterizedTest(name = "{0} -> {1} {2}")
	@CsvSource({ "/orders/42, 200, SUCCESS", "/fail, 500, SERVER_ERROR", "/deferred/fail, 500, SERVER_ERROR",
			"/send-error/503, 503, SERVER_ERROR", "/no-such-page, 404, CLIENT_ERROR",
			"/deferred/timeout, 503, SERVER_ERROR" })
	void timersAreTaggedWithTheGatewayRouteAndTheFinalStatus(String path, String status, String outcome)
			throws Exception {
		send(path, System.currentTimeMillis() - 50, Map.of());
		for (String name : new String[] { REQUESTS, TRANSIT }) {
			assertThat(tags(awaitTimer(name)))
				.containsExactlyInAnyOrderEntriesOf(Map.of("system", "aws-apigateway", "stage", this.stage, "method",
						"GET", "route", "/orders/{id}", "status", status, "outcome", outcome));
		}
	}

	@ParameterizedTest(name = "resource path ''{0}''")
	@ValueSource(strings = { "", "/{proxy+}", "$default", "ANY /{proxy+}" })
	void missingOrGreedyResourcePathTakesTheRouteSpringMatchedNeverTheRawPath(String resourcePath) throws Exception {
		String id = send("/orders/42", System.currentTimeMillis() - 50,
				Map.of("x-dd-proxy-resource-path", resourcePath));
		assertThat(tags(awaitTimer(REQUESTS))).containsEntry("route", "/orders/{id}");
		String rawPath = GatewayHeaders.gatewayPath(id);
		assertThat(this.meterRegistry.getMeters()).flatMap((meter) -> meter.getId().getTags())
			.extracting(Tag::getValue)
			.doesNotContain(rawPath, "/orders/42");
	}

	@Test
	void greedyResourcePathOfARequestNoRouteMatchedIsUnknown() throws Exception {
		send("/no/such/route", System.currentTimeMillis() - 50, Map.of("x-dd-proxy-resource-path", "/{proxy+}"));
		assertThat(tags(awaitTimer(REQUESTS))).containsEntry("route", "UNKNOWN").containsEntry("status", "404");
	}

	@Test
	void aResourcePathThatNamesOneRouteWins() throws Exception {
		send("/orders/42", System.currentTimeMillis() - 50, Map.of("x-dd-proxy-resource-path", "/v1/orders/{orderId}"));
		assertThat(tags(awaitTimer(REQUESTS))).containsEntry("route", "/v1/orders/{orderId}");
	}

	@Test
	void methodOutsideTheStandardOnesIsUnknown() throws Exception {
		send("/orders/42", System.currentTimeMillis() - 50, Map.of("x-dd-proxy-httpmethod", "FORGED-" + this.stage));
		assertThat(tags(awaitTimer(REQUESTS))).containsEntry("method", "UNKNOWN");
	}

	@Test
	void everyGatewayTimerHasTheSameTagKeys() throws Exception {
		send("/orders/42", System.currentTimeMillis() - 50, Map.of());
		send("/fail", System.currentTimeMillis() - 50, Map.of("x-dd-proxy-resource-path", ""));
		send("/deferred/timeout", System.currentTimeMillis() - 50, Map.of("x-dd-proxy-httpmethod", ""));
		await().atMost(Duration.ofSeconds(10)).until(() -> timers(REQUESTS).size() >= 3);
		for (String name : new String[] { REQUESTS, TRANSIT }) {
			assertThat(this.meterRegistry.find(name).meters()).isNotEmpty().allSatisfy((meter) -> {
				assertThat(meter).isInstanceOf(Timer.class);
				assertThat(tags(meter).keySet()).isEqualTo(TAG_KEYS);
			});
		}
	}

	private String send(String path, long gatewayMillis, Map<String, String> overrides) throws Exception {
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(gatewayMillis, id);
		headers.put("x-dd-proxy-stage", this.stage);
		headers.putAll(overrides);
		this.client.get(path, headers);
		return id;
	}

	private Set<Timer> timers(String name) {
		return Set.copyOf(this.meterRegistry.find(name).tag("stage", this.stage).timers());
	}

	private Timer awaitTimer(String name) {
		return await(name + "{stage=" + this.stage + "}").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> this.meterRegistry.find(name).tag("stage", this.stage).timer(),
					(timer) -> timer != null && timer.count() > 0);
	}

	private static Map<String, String> tags(Meter meter) {
		return meter.getId().getTags().stream().collect(Collectors.toMap(Tag::getKey, Tag::getValue));
	}

}
