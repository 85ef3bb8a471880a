package io.github.inferredproxy.servlet;

import java.time.Duration;
import java.util.Map;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that goes away on Spring MVC is a cancelled request: the status it was sent,
 * if any, outcome {@code UNKNOWN}, and never a server error, although the exception that
 * Tomcat throws leaves the filter chain.
 */
@InferredProxyServletTest
class ServletClientAbortTests {

	private static final AttributeKey<String> DD_STATUS = AttributeKey.stringKey("http.status_code");

	private static final AttributeKey<String> STAGE = AttributeKey.stringKey("stage");

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	MeterRegistry meterRegistry;

	private TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
	}

	@Test
	void resetWhileTheResponseIsWrittenIsCancelledWithTheStatusSent() throws Exception {
		String stage = "reset-" + System.nanoTime();
		this.client.getAndHangUpAfter("/slow-body", headers(stage), "chunk ");
		SpanData gateway = awaitGatewaySpan(stage);
		assertNotAnError(gateway);
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo("200");
		Timer timer = awaitTimer(stage);
		assertThat(timer.getId().getTag("status")).isEqualTo("200");
		assertThat(timer.getId().getTag("outcome")).isEqualTo("UNKNOWN");
	}

	@Test
	void hangUpOnAnAsyncStreamIsCancelledWithTheStatusSent() throws Exception {
		String stage = "sse-" + System.nanoTime();
		this.client.getAndHangUpAfter("/sse/long", headers(stage), "data:");
		SpanData gateway = awaitGatewaySpan(stage);
		assertNotAnError(gateway);
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo("200");
		Timer timer = awaitTimer(stage);
		assertThat(timer.getId().getTag("outcome")).isEqualTo("UNKNOWN");
	}

	@Test
	void bodyCutShortIsCancelledWithTheStatusTomcatCommitted() throws Exception {
		String stage = "short-body-" + System.nanoTime();
		this.client.sendAndHangUp("POST", "/upload", headers(stage), 100_000, "only ten b",
				Duration.ofMillis(200));
		SpanData gateway = awaitGatewaySpan(stage);
		assertNotAnError(gateway);
		// Tomcat answers a failed body read with a 400, as the server span says: neither
		// an invented 200 nor a 500.
		SpanData server = this.spans.awaitChildOf(gateway);
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo("400")
			.isEqualTo(server.getAttributes().get(AttributeKey.stringKey("status")));
		Timer timer = awaitTimer(stage);
		assertThat(timer.getId().getTag("status")).isEqualTo("400");
		assertThat(timer.getId().getTag("outcome")).isEqualTo("UNKNOWN");
	}

	private SpanData awaitGatewaySpan(String stage) {
		return this.spans.await("gateway span of stage " + stage, (span) -> stage.equals(span.getAttributes().get(STAGE)));
	}

	private static void assertNotAnError(SpanData gateway) {
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
		assertThat(gateway.getEvents()).isEmpty();
	}

	private Timer awaitTimer(String stage) {
		return await("timer of stage " + stage).atMost(Duration.ofSeconds(10))
			.until(() -> this.meterRegistry.find("inferred.proxy.requests").tag("stage", stage).timer(),
					(timer) -> timer != null);
	}

	private static Map<String, String> headers(String stage) {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50);
		headers.put("x-dd-proxy-stage", stage);
		return headers;
	}

}
