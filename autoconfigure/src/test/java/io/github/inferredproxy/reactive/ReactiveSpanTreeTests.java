package io.github.inferredproxy.reactive;

import java.time.Duration;
import java.util.Map;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The span tree on WebFlux: the server span is the gateway span's child, in the same
 * trace, with and without an upstream trace context; at most one gateway span per
 * request; requests without gateway headers are traced as without the starter.
 */
@ReactiveIntegrationTest
class ReactiveSpanTreeTests {

	static final String UPSTREAM_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	static final String UPSTREAM_SPAN_ID = "00f067aa0ba902b7";

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.spans.reset();
		this.client = new TestHttpClient(this.port);
	}

	@Test
	void gatewaySpanIsTraceRootAndParentOfServerSpanWithoutUpstreamContext() throws Exception {
		this.client.get("/orders/42", GatewayHeaders.restApi(System.currentTimeMillis() - 100));
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(gateway.getParentSpanContext().isValid()).isFalse();
		assertThat(server.getTraceId()).isEqualTo(gateway.getTraceId());
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
	}

	@Test
	void gatewaySpanContinuesW3cTraceparentAndIsParentOfServerSpan() throws Exception {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		headers.put("traceparent", "00-" + UPSTREAM_TRACE_ID + "-" + UPSTREAM_SPAN_ID + "-01");
		assertGatewaySpanBetweenUpstreamAndServerSpan(headers);
	}

	@Test
	void gatewaySpanContinuesB3AndIsParentOfServerSpan() throws Exception {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		headers.put("b3", UPSTREAM_TRACE_ID + "-" + UPSTREAM_SPAN_ID + "-1");
		assertGatewaySpanBetweenUpstreamAndServerSpan(headers);
	}

	private void assertGatewaySpanBetweenUpstreamAndServerSpan(Map<String, String> headers) throws Exception {
		this.client.get("/delayed", headers);
		SpanData server = this.spans.awaitServerSpan("/delayed");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getTraceId()).isEqualTo(UPSTREAM_TRACE_ID);
		assertThat(gateway.getParentSpanId()).isEqualTo(UPSTREAM_SPAN_ID);
		assertThat(server.getTraceId()).isEqualTo(UPSTREAM_TRACE_ID);
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
	}

	@Test
	void oneGatewaySpanPerRequest() throws Exception {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		headers.put("traceparent", "00-" + UPSTREAM_TRACE_ID + "-" + UPSTREAM_SPAN_ID + "-01");
		this.client.get("/sse", headers);
		this.spans.awaitServerSpan("/sse");
		this.spans.awaitNamed("aws.apigateway");
		await().during(Duration.ofMillis(300))
			.atMost(Duration.ofSeconds(2))
			.untilAsserted(
					() -> assertThat(this.spans.all()).filteredOn((span) -> span.getTraceId().equals(UPSTREAM_TRACE_ID))
						.extracting(SpanData::getName)
						.containsExactlyInAnyOrder("aws.apigateway", "http get /sse"));
	}

	@Test
	void requestWithoutGatewayHeadersIsTracedAsWithoutStarter() throws Exception {
		this.client.get("/orders/7", Map.of());
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		// A gateway span would have been the parent of the server span.
		assertThat(server.getParentSpanContext().isValid()).isFalse();
		assertThat(this.spans.all()).noneMatch((span) -> span.getName().startsWith("aws."));
	}

	@Test
	void requestWithoutGatewayHeadersContinuesUpstreamTraceAsWithoutStarter() throws Exception {
		this.client.get("/orders/7", Map.of("traceparent", "00-" + UPSTREAM_TRACE_ID + "-" + UPSTREAM_SPAN_ID + "-01"));
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		assertThat(server.getTraceId()).isEqualTo(UPSTREAM_TRACE_ID);
		assertThat(server.getParentSpanId()).isEqualTo(UPSTREAM_SPAN_ID);
	}

	@Test
	void handlerSeesServerObservationOnlyAsContextPropagationModeAllows() throws Exception {
		String body = this.client.get("/current-observation", GatewayHeaders.restApi(System.currentTimeMillis() - 100))
			.body();
		assertThat(body).isEqualTo(expectedCurrentObservationAfterThreadHop());
	}

	/**
	 * What a handler sees as the current observation after a thread hop.
	 * @return "none": Boot's default, limited, context propagation restores nothing
	 */
	protected String expectedCurrentObservationAfterThreadHop() {
		return "none";
	}

}
