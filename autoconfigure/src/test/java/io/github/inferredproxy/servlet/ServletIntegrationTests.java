package io.github.inferredproxy.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway span on Spring MVC, on a real Tomcat with the OpenTelemetry SDK recording.
 */
@SpringBootTest(classes = ServletTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=1.0", "spring.test.tracing.export=true" })
class ServletIntegrationTests {

	private final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@BeforeEach
	void reset() {
		this.spans.reset();
	}

	@Test
	void gatewaySpanIsParentOfServerSpanWithoutUpstreamTrace() throws Exception {
		long gatewayTime = System.currentTimeMillis() - 250;
		HttpResponse<String> response = get("/orders/42", GatewayHeaders.restApi(gatewayTime));
		assertThat(response.statusCode()).isEqualTo(200);
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(gateway.getParentSpanContext().isValid()).isFalse();
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(server.getTraceId()).isEqualTo(gateway.getTraceId());
		assertThat(gateway.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(gatewayTime));
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("http.status_code"))).isEqualTo("200");
		assertThat(gateway.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
		assertThat(gateway.getAttributes().get(AttributeKey.longKey("_dd.inferred_span"))).isEqualTo(1L);
		assertThat(gateway.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
	}

	@Test
	void gatewaySpanIsChildOfUpstreamAndParentOfServerSpanWithTraceparent() throws Exception {
		String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
		String upstreamSpanId = "00f067aa0ba902b7";
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		headers.put("traceparent", "00-" + traceId + "-" + upstreamSpanId + "-01");
		get("/orders/42", headers);
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getTraceId()).isEqualTo(traceId);
		assertThat(gateway.getParentSpanId()).isEqualTo(upstreamSpanId);
		assertThat(server.getTraceId()).isEqualTo(traceId);
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
	}

	@Test
	void failingRequestMarksGatewaySpanAsError() throws Exception {
		HttpResponse<String> response = get("/fail", GatewayHeaders.restApi(System.currentTimeMillis() - 100));
		assertThat(response.statusCode()).isEqualTo(500);
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("http.status_code"))).isEqualTo("500");
		assertThat(gateway.getEvents()).anySatisfy((event) -> assertThat(event.getName()).isEqualTo("exception"));
	}

	@Test
	void deferredResultEndsGatewaySpanAfterServerSpan() throws Exception {
		get("/deferred", GatewayHeaders.restApi(System.currentTimeMillis() - 100));
		SpanData server = this.spans.awaitServerSpan("/deferred");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		assertThat(this.spans.named("aws.apigateway")).hasSize(1);
	}

	private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path));
		headers.forEach(request::header);
		return this.client.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
