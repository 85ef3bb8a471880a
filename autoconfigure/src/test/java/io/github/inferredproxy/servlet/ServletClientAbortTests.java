package io.github.inferredproxy.servlet;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayTimers;
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

/**
 * A client that goes away on Spring MVC is a cancelled request: the status it was sent,
 * if any, outcome {@code UNKNOWN}, and never a server error, although the exception that
 * Tomcat throws leaves the filter chain.
 */
@InferredProxyServletTest
class ServletClientAbortTests {

	private static final AttributeKey<String> DD_STATUS = AttributeKey.stringKey("http.status_code");

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
		this.client.getAndHangUpAfter("/slow-body", GatewayHeaders.restApiWithStage(stage), "chunk ");
		SpanData gateway = this.spans.awaitGatewaySpanOfStage(stage);
		assertNotAnError(gateway);
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo("200");
		Timer timer = GatewayTimers.awaitRequestsTimer(this.meterRegistry, stage);
		assertThat(timer.getId().getTag("status")).isEqualTo("200");
		assertThat(timer.getId().getTag("outcome")).isEqualTo("UNKNOWN");
	}

	@Test
	void hangUpOnAnAsyncStreamIsCancelledWithTheStatusSent() throws Exception {
		String stage = "sse-" + System.nanoTime();
		this.client.getAndHangUpAfter("/sse/long", GatewayHeaders.restApiWithStage(stage), "data:");
		SpanData gateway = this.spans.awaitGatewaySpanOfStage(stage);
		assertNotAnError(gateway);
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo("200");
		Timer timer = GatewayTimers.awaitRequestsTimer(this.meterRegistry, stage);
		assertThat(timer.getId().getTag("outcome")).isEqualTo("UNKNOWN");
	}

	@Test
	void bodyCutShortIsCancelledWithTheStatusTomcatCommitted() throws Exception {
		String stage = "short-body-" + System.nanoTime();
		this.client.sendAndHangUp("POST", "/upload", GatewayHeaders.restApiWithStage(stage), 100_000, "only ten b");
		SpanData gateway = this.spans.awaitGatewaySpanOfStage(stage);
		assertNotAnError(gateway);
		// Tomcat answers a failed body read with a 400, as the server span says: neither
		// an invented 200 nor a 500.
		SpanData server = this.spans.awaitChildOf(gateway);
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo("400")
			.isEqualTo(server.getAttributes().get(AttributeKey.stringKey("status")));
		Timer timer = GatewayTimers.awaitRequestsTimer(this.meterRegistry, stage);
		assertThat(timer.getId().getTag("status")).isEqualTo("400");
		assertThat(timer.getId().getTag("outcome")).isEqualTo("UNKNOWN");
	}

	@Test
	void aResetOfTheApplicationsOwnCallIsAServerErrorNotAClientGone() throws Exception {
		String stage = "downstream-" + System.nanoTime();
		assertThat(this.client.get("/downstream-reset", GatewayHeaders.restApiWithStage(stage)).statusCode())
			.isEqualTo(500);
		SpanData gateway = this.spans.awaitGatewaySpanOfStage(stage);
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo("500");
		Timer timer = GatewayTimers.awaitRequestsTimer(this.meterRegistry, stage);
		assertThat(timer.getId().getTag("outcome")).isEqualTo("SERVER_ERROR");
	}

	private static void assertNotAnError(SpanData gateway) {
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
		assertThat(gateway.getEvents()).isEmpty();
	}

}
