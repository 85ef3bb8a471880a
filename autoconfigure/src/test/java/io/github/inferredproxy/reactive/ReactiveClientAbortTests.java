package io.github.inferredproxy.reactive;

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
 * A client that goes away on WebFlux is a cancelled request: the status it was sent, if
 * any, outcome {@code UNKNOWN}, and never an error, as Spring's server observation says.
 */
@ReactiveIntegrationTest
class ReactiveClientAbortTests {

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
	void clientGoneBeforeTheResponseIsCancelledWithoutAStatusAsForTheServerSpan() throws Exception {
		String stage = "gone-" + System.nanoTime();
		this.client.sendAndHangUp("GET", "/slow", GatewayHeaders.restApiWithStage(stage), 0, "");
		SpanData gateway = this.spans.awaitGatewaySpanOfStage(stage);
		assertNotAnError(gateway);
		// Reactor Netty says 200 before anything is written: nothing was sent.
		assertThat(gateway.getAttributes().get(DD_STATUS)).isNull();
		Timer timer = GatewayTimers.awaitRequestsTimer(this.meterRegistry, stage);
		assertThat(timer.getId().getTag("status")).isEqualTo("UNKNOWN");
		assertThat(timer.getId().getTag("outcome")).isEqualTo("UNKNOWN");
		SpanData server = this.spans.awaitChildOf(gateway);
		assertThat(server.getAttributes().get(AttributeKey.stringKey("outcome"))).isEqualTo("UNKNOWN");
	}

	@Test
	void bodyCutShortIsCancelledWithTheStatusWebFluxCommitted() throws Exception {
		String stage = "short-body-" + System.nanoTime();
		this.client.sendAndHangUp("POST", "/upload", GatewayHeaders.restApiWithStage(stage), 100_000, "only ten b");
		SpanData gateway = this.spans.awaitGatewaySpanOfStage(stage);
		SpanData server = this.spans.awaitChildOf(gateway);
		assertNotAnError(gateway);
		// WebFlux answers the failed body read with a 500, as the server span says.
		assertThat(gateway.getAttributes().get(DD_STATUS))
			.isEqualTo(server.getAttributes().get(AttributeKey.stringKey("status")));
		Timer timer = GatewayTimers.awaitRequestsTimer(this.meterRegistry, stage);
		assertThat(timer.getId().getTag("outcome")).isEqualTo("UNKNOWN");
	}

	@Test
	void clientGoneMidStreamIsNotAnErrorAndAgreesWithTheServerSpan() throws Exception {
		String stage = "mid-stream-" + System.nanoTime();
		this.client.getAndHangUpAfter("/endless", GatewayHeaders.restApiWithStage(stage), "data:tick 1");
		SpanData gateway = this.spans.awaitGatewaySpanOfStage(stage);
		assertNotAnError(gateway);
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo("200");
		// Reactor Netty ends a stream whose client went away as if it were complete, and
		// Spring's server observation records it so: outcome SUCCESS, not UNKNOWN.
		SpanData server = this.spans.awaitChildOf(gateway);
		Timer timer = GatewayTimers.awaitRequestsTimer(this.meterRegistry, stage);
		assertThat(timer.getId().getTag("status"))
			.isEqualTo(server.getAttributes().get(AttributeKey.stringKey("status")));
		assertThat(timer.getId().getTag("outcome"))
			.isEqualTo(server.getAttributes().get(AttributeKey.stringKey("outcome")));
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
