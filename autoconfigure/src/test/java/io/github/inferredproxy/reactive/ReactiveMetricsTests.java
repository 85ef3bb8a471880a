package io.github.inferredproxy.reactive;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway timers on WebFlux: tags, and durations measured from the gateway time.
 * Every test uses its own stage, so that its samples are its own.
 */
@ReactiveIntegrationTest
class ReactiveMetricsTests {

	@LocalServerPort
	int port;

	@Autowired
	MeterRegistry meterRegistry;

	TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
	}

	@Test
	void requestAndTransitTimersAreMeasuredFromGatewayTime() throws Exception {
		String stage = uniqueStage();
		long gatewayTime = System.currentTimeMillis() - 400;
		long before = System.currentTimeMillis();
		this.client.get("/delayed", headers(gatewayTime, stage));
		long after = System.currentTimeMillis();
		Timer requests = awaitTimer("inferred.proxy.requests", stage);
		Timer transit = awaitTimer("inferred.proxy.transit", stage);
		assertThat(requests.getId().getTags()).containsExactlyInAnyOrder(Tag.of("system", "aws-apigateway"),
				Tag.of("stage", stage), Tag.of("method", "GET"), Tag.of("route", "/orders/{id}"),
				Tag.of("status", "200"), Tag.of("outcome", "SUCCESS"));
		assertThat(transit.getId().getTags()).isEqualTo(requests.getId().getTags());
		assertThat(requests.count()).isOne();
		assertThat(transit.count()).isOne();
		// From the gateway time: the 400 ms before the application saw it, plus the 150
		// ms delay.
		assertThat(requests.totalTime(TimeUnit.MILLISECONDS)).isBetween(550.0, (double) (after - gatewayTime + 50));
		assertThat(transit.totalTime(TimeUnit.MILLISECONDS)).isBetween(400.0, (double) (before - gatewayTime + 400));
		assertThat(transit.totalTime(TimeUnit.MILLISECONDS)).isLessThan(requests.totalTime(TimeUnit.MILLISECONDS));
	}

	@Test
	void failingRequestIsTaggedWithServerError() throws Exception {
		String stage = uniqueStage();
		this.client.get("/fail", headers(System.currentTimeMillis() - 100, stage));
		Timer requests = awaitTimer("inferred.proxy.requests", stage);
		assertThat(requests.getId().getTag("status")).isEqualTo("500");
		assertThat(requests.getId().getTag("outcome")).isEqualTo("SERVER_ERROR");
	}

	@ParameterizedTest(name = "resource path ''{0}''")
	@ValueSource(strings = { "", "/{proxy+}", "$default", "ANY /{proxy+}" })
	void missingOrGreedyResourcePathTakesTheRouteSpringMatched(String resourcePath) throws Exception {
		String stage = uniqueStage();
		Map<String, String> headers = headers(System.currentTimeMillis() - 100, stage);
		headers.put("x-dd-proxy-resource-path", resourcePath);
		this.client.get("/orders/42", headers);
		Timer requests = awaitTimer("inferred.proxy.requests", stage);
		assertThat(requests.getId().getTag("route")).isEqualTo("/orders/{id}");
	}

	@Test
	void greedyResourcePathOfARequestNoRouteMatchedIsUnknown() throws Exception {
		String stage = uniqueStage();
		Map<String, String> headers = headers(System.currentTimeMillis() - 100, stage);
		headers.put("x-dd-proxy-resource-path", "/{proxy+}");
		this.client.get("/no/such/route", headers);
		Timer requests = awaitTimer("inferred.proxy.requests", stage);
		assertThat(requests.getId().getTag("route")).isEqualTo("UNKNOWN");
		assertThat(requests.getId().getTag("status")).isEqualTo("404");
	}

	@Test
	void cancelledRequestHasTheSameTagKeys() throws Exception {
		String stage = uniqueStage();
		this.client.getAndHangUpAfter("/endless", headers(System.currentTimeMillis() - 100, stage), "data:tick 1");
		Timer requests = awaitTimer("inferred.proxy.requests", stage);
		assertThat(requests.getId().getTags()).extracting(Tag::getKey)
			.containsExactlyInAnyOrder("system", "stage", "method", "route", "status", "outcome");
		// Not asserted: outcome, which ReactiveClientAbortTests covers.
	}

	@Test
	void noActiveLongTaskTimerOrDefaultTimerForGatewayObservation() throws Exception {
		String stage = uniqueStage();
		this.client.get("/orders/42", headers(System.currentTimeMillis() - 100, stage));
		awaitTimer("inferred.proxy.requests", stage);
		assertThat(this.meterRegistry.getMeters()).extracting((meter) -> meter.getId().getName())
			.doesNotContain("inferred.proxy.requests.active");
		assertThat(this.meterRegistry.find("inferred.proxy.requests").tag("stage", stage).meters())
			.extracting(Meter::getId)
			.allSatisfy((id) -> assertThat(id.getTag("error")).isNull());
	}

	private Timer awaitTimer(String name, String stage) {
		return await(name + " of stage " + stage).atMost(Duration.ofSeconds(10))
			.until(() -> this.meterRegistry.find(name).tag("stage", stage).timer(),
					(timer) -> timer != null && timer.count() > 0);
	}

	private static Map<String, String> headers(long gatewayTime, String stage) {
		Map<String, String> headers = GatewayHeaders.restApi(gatewayTime);
		headers.put("x-dd-proxy-stage", stage);
		return headers;
	}

	private static String uniqueStage() {
		return "stage-" + System.nanoTime();
	}

}
