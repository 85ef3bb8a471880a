package io.github.inferredproxy.reactive;

import java.util.Map;

import io.github.inferredproxy.observation.InferredProxyObservations;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code inferred-proxy.enabled=false}, gateway headers are ignored on WebFlux and
 * requests are traced as without the starter.
 */
@ReactiveIntegrationTest
@TestPropertySource(properties = "inferred-proxy.enabled=false")
class ReactiveDisabledTests {

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	ApplicationContext context;

	TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.spans.reset();
		this.client = new TestHttpClient(this.port);
	}

	@Test
	void noDecoratorIsInstalled() {
		assertThat(this.context.getBeansOfType(InferredProxyObservations.class)).isEmpty();
		assertThat(this.context.getBeansOfType(HttpHandlerDecoratorFactory.class)).isEmpty();
	}

	@Test
	void gatewayHeadersAreIgnored() throws Exception {
		assertThat(this.client.get("/orders/42", GatewayHeaders.restApi(System.currentTimeMillis() - 100)).statusCode())
			.isEqualTo(200);
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		assertThat(server.getParentSpanContext().isValid()).isFalse();
		assertThat(this.spans.all()).noneMatch((span) -> span.getName().startsWith("aws."));
	}

	@Test
	void upstreamTraceIsContinuedByServerSpan() throws Exception {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		headers.put("traceparent",
				"00-" + ReactiveSpanTreeTests.UPSTREAM_TRACE_ID + "-" + ReactiveSpanTreeTests.UPSTREAM_SPAN_ID + "-01");
		this.client.get("/orders/42", headers);
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		assertThat(server.getTraceId()).isEqualTo(ReactiveSpanTreeTests.UPSTREAM_TRACE_ID);
		assertThat(server.getParentSpanId()).isEqualTo(ReactiveSpanTreeTests.UPSTREAM_SPAN_ID);
	}

}
