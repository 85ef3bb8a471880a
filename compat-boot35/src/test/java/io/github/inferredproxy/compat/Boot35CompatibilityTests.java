package io.github.inferredproxy.compat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.compat.CompatTestApplication.Spans;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration, compiled against Spring Boot 4, builds the same span tree on
 * Spring Boot 3.5, on Tomcat and on Reactor Netty, and puts the gateway request id in the
 * logging MDC.
 */
final class Boot35CompatibilityTests {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String UPSTREAM_SPAN_ID = "00f067aa0ba902b7";

	private static final String REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

	private static final String XRAY_TRACE_ID = "1-5759e988-bd862e3fe1be46a994272793";

	private Boot35CompatibilityTests() {
	}

	static void assertSpanTree(int port, Spans spans, MeterRegistry meters, String path) throws Exception {
		assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
		long gatewayTime = System.currentTimeMillis() - 200;
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("x-dd-proxy", "aws-apigateway")
			.header("x-dd-proxy-request-time-ms", Long.toString(gatewayTime))
			.header("x-dd-proxy-domain-name", "api.example.com")
			.header("x-dd-proxy-httpmethod", "GET")
			.header("x-dd-proxy-path", "/prod" + path)
			.header("x-dd-proxy-resource-path", "/orders/{id}")
			.header("x-dd-proxy-request-id", REQUEST_ID)
			.header("X-Amzn-Trace-Id", "Root=" + XRAY_TRACE_ID + ";Sampled=1")
			.header("traceparent", "00-" + TRACE_ID + "-" + UPSTREAM_SPAN_ID + "-01")
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		// The gateway request id in the logging MDC while the controller runs.
		assertThat(response.body()).endsWith(" for " + REQUEST_ID);
		SpanData gateway = spans.await("gateway span of " + path, (span) -> span.getName().equals("aws.apigateway")
				&& ("/prod" + path).equals(span.getAttributes().get(AttributeKey.stringKey("url.path"))));
		SpanData server = spans.await("server span", (span) -> span.getParentSpanId().equals(gateway.getSpanId()));
		assertThat(gateway.getTraceId()).isEqualTo(TRACE_ID);
		assertThat(gateway.getParentSpanId()).isEqualTo(UPSTREAM_SPAN_ID);
		assertThat(gateway.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(gatewayTime));
		assertThat(server.getName()).contains("/orders/{id}");
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		// Attributes and meter tags come from the gateway context's own key-value
		// storage,
		// which overrides Micrometer's Observation.Context methods.
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders/{id}");
		assertThat(gateway.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("aws.request_id"))).isEqualTo(REQUEST_ID);
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("inferred_proxy.xray_trace_id")))
			.isEqualTo(XRAY_TRACE_ID);
		// Boot's tracing handlers run before its meter handlers: the timer may be
		// recorded
		// just after the span was exported.
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(meters.find("inferred.proxy.requests")
				.tags("route", "/orders/{id}", "status", "200", "outcome", "SUCCESS", "system", "aws-apigateway")
				.timer()).isNotNull());
	}

	@Nested
	@SpringBootTest(classes = CompatTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.tracing.sampling.probability=1.0", "spring.main.web-application-type=servlet" })
	@AutoConfigureObservability
	class SpringMvc {

		@LocalServerPort
		int port;

		@Autowired
		Spans spans;

		@Autowired
		MeterRegistry meters;

		@Test
		void gatewaySpanIsParentOfServerSpan() throws Exception {
			assertSpanTree(this.port, this.spans, this.meters, "/orders/1");
		}

	}

	@Nested
	@SpringBootTest(classes = CompatTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.tracing.sampling.probability=1.0", "spring.main.web-application-type=reactive" })
	@AutoConfigureObservability
	class SpringWebFlux {

		@LocalServerPort
		int port;

		@Autowired
		Spans spans;

		@Autowired
		MeterRegistry meters;

		@Test
		void gatewaySpanIsParentOfServerSpan() throws Exception {
			assertSpanTree(this.port, this.spans, this.meters, "/orders/2");
		}

	}

}
