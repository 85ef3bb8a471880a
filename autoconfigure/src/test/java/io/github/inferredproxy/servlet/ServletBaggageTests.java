package io.github.inferredproxy.servlet;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream baggage reaches the application through the gateway span as it does without
 * it: the server span's parent is replaced, not the context extracted from the request.
 */
@InferredProxyServletTest
@TestPropertySource(properties = "management.tracing.baggage.remote-fields=tenant")
class ServletBaggageTests {

	private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Test
	void baggageOfTheUpstreamContextReachesTheApplication() throws Exception {
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.put("traceparent", TRACEPARENT);
		headers.put("baggage", "tenant=acme");
		HttpResponse<String> response = new TestHttpClient(this.port).get("/baggage", headers);
		assertThat(response.body()).isEqualTo("acme");
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		assertThat(this.spans.awaitChildOf(gateway).getName()).isEqualTo("http get /baggage");
	}

	@Test
	void baggageReachesTheApplicationWithoutGatewayHeaders() throws Exception {
		HttpResponse<String> response = new TestHttpClient(this.port).get("/baggage",
				Map.of("traceparent", TRACEPARENT, "baggage", "tenant=acme"));
		assertThat(response.body()).isEqualTo("acme");
	}

}
