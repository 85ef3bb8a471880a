package io.github.inferredproxy.servlet;

import java.util.Map;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayTimers;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a greedy resource, the route is the one Spring matched, without the servlet
 * context path, as the server span's.
 */
@SpringBootTest(classes = ServletTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=1.0", "server.servlet.context-path=/api" })
class ServletContextPathRouteTests {

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	MeterRegistry meterRegistry;

	@Test
	void routeBehindAGreedyResourceIsSpringsWithoutTheContextPath() throws Exception {
		String stage = "context-path-" + System.nanoTime();
		Map<String, String> headers = GatewayHeaders.restApiWithStage(stage);
		headers.put("x-dd-proxy-resource-path", "/{proxy+}");
		assertThat(new TestHttpClient(this.port).get("/api/orders/42", headers).statusCode()).isEqualTo(200);
		SpanData gateway = this.spans.awaitGatewaySpanOfStage(stage);
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders/{id}");
		assertThat(GatewayTimers.awaitRequestsTimer(this.meterRegistry, stage).getId().getTag("route"))
			.isEqualTo("/orders/{id}");
	}

}
