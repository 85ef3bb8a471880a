package io.github.inferredproxy.servlet;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the gateway span sits in the trace: the server span is always its child in the
 * same trace, and its own parent is whatever upstream context the configured propagation
 * (W3C and B3 here) extracts from the request.
 */
@InferredProxyServletTest
class ServletTraceContextTests {

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	GatewayObservationRecorder gatewayObservations;

	private TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/orders/42", "/deferred", "/fail" })
	void withoutUpstreamContextGatewaySpanIsTheRootAndParentOfServerSpan(String path) throws Exception {
		String id = UUID.randomUUID().toString();
		this.client.get(path, GatewayHeaders.restApi(System.currentTimeMillis() - 50, id));
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		SpanData server = this.spans.awaitChildOf(gateway);
		assertThat(gateway.getParentSpanContext().isValid()).isFalse();
		assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(server.getName()).startsWith("http get");
	}

	@ParameterizedTest
	@ValueSource(strings = { "/orders/42", "/deferred", "/fail" })
	void withTraceparentGatewaySpanContinuesTheUpstreamTraceAndIsParentOfServerSpan(String path) throws Exception {
		Upstream upstream = Upstream.random();
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.put("traceparent", "00-" + upstream.traceId() + "-" + upstream.spanId() + "-01");
		this.client.get(path, headers);
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		SpanData server = this.spans.awaitChildOf(gateway);
		assertThat(gateway.getTraceId()).isEqualTo(upstream.traceId());
		assertThat(gateway.getParentSpanId()).isEqualTo(upstream.spanId());
		assertThat(gateway.getParentSpanContext().isRemote()).isTrue();
		assertThat(server.getTraceId()).isEqualTo(upstream.traceId());
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
	}

	@Test
	void withSingleB3HeaderGatewaySpanContinuesTheUpstreamTraceAndIsParentOfServerSpan() throws Exception {
		Upstream upstream = Upstream.random();
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.put("b3", upstream.traceId() + "-" + upstream.spanId() + "-1");
		this.client.get("/orders/42", headers);
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		SpanData server = this.spans.awaitChildOf(gateway);
		assertThat(gateway.getTraceId()).isEqualTo(upstream.traceId());
		assertThat(gateway.getParentSpanId()).isEqualTo(upstream.spanId());
		assertThat(server.getTraceId()).isEqualTo(upstream.traceId());
	}

	@Test
	void withoutGatewayHeadersServerSpanIsTheRootAndNoGatewaySpanIsCreated() throws Exception {
		String id = UUID.randomUUID().toString();
		Seen seen = Seen.from(this.client.get("/trace", Map.of(GatewayObservationRecorder.REQUEST_ID_HEADER, id)));
		// Started on the request thread before the response was written, so final now.
		assertThat(this.gatewayObservations.starts(id)).isZero();
		SpanData server = this.spans.await("server span", (span) -> span.getSpanId().equals(seen.spanId()));
		SpanData work = this.spans.awaitChildOf(server);
		assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(server.getParentSpanContext().isValid()).isFalse();
		assertThat(this.spans.inTrace(seen.traceId())).containsExactlyInAnyOrder(server, work);
	}

	@Test
	void withoutGatewayHeadersServerSpanIsTheChildOfTraceparent() throws Exception {
		Upstream upstream = Upstream.random();
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = new HashMap<>();
		headers.put(GatewayObservationRecorder.REQUEST_ID_HEADER, id);
		headers.put("traceparent", "00-" + upstream.traceId() + "-" + upstream.spanId() + "-01");
		Seen seen = Seen.from(this.client.get("/trace", headers));
		assertThat(this.gatewayObservations.starts(id)).isZero();
		assertThat(seen.traceId()).isEqualTo(upstream.traceId());
		SpanData server = this.spans.await("server span", (span) -> span.getSpanId().equals(seen.spanId()));
		assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(server.getParentSpanId()).isEqualTo(upstream.spanId());
	}

	@Test
	void spansBelowTheServerSpanStayItsChildren() throws Exception {
		String id = UUID.randomUUID().toString();
		Seen seen = Seen.from(this.client.get("/trace", GatewayHeaders.restApi(System.currentTimeMillis() - 50, id)));
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		SpanData server = this.spans.awaitChildOf(gateway);
		assertThat(server.getSpanId()).isEqualTo(seen.spanId());
		SpanData work = this.spans.awaitChildOf(server);
		assertThat(work.getName()).isEqualTo("work");
		assertThat(work.getResource()).isEqualTo(server.getResource());
	}

	/**
	 * The trace and span id the application saw as current, from {@code /trace}.
	 */
	record Seen(String traceId, String spanId) {

		static Seen from(HttpResponse<String> response) {
			assertThat(response.statusCode()).isEqualTo(200);
			String[] ids = response.body().split(" ");
			return new Seen(ids[0], ids[1]);
		}

	}

	/**
	 * The span of a service upstream of the gateway.
	 */
	record Upstream(String traceId, String spanId) {

		static Upstream random() {
			String hex = UUID.randomUUID().toString().replace("-", "");
			return new Upstream(hex, hex.substring(8, 24));
		}

	}

}
