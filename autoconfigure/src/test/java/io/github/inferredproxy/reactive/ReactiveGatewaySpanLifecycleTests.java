package io.github.inferredproxy.reactive;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * When the gateway span starts and ends on WebFlux, and the status it ends with: plain,
 * delayed, streaming, failing and cancelled requests.
 */
@ReactiveIntegrationTest
class ReactiveGatewaySpanLifecycleTests {

	private static final AttributeKey<String> STATUS_CODE = AttributeKey.stringKey("http.status_code");

	private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	MeterRegistry meterRegistry;

	private TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.spans.reset();
		this.client = new TestHttpClient(this.port);
	}

	@Test
	void plainRequestStartsAtGatewayTimeAndEndsAfterServerSpan() throws Exception {
		long gatewayTime = System.currentTimeMillis() - 250;
		HttpResponse<String> response = this.client.get("/orders/42", GatewayHeaders.restApi(gatewayTime));
		assertThat(response.statusCode()).isEqualTo(200);
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(gatewayTime));
		assertThat(gateway.getStartEpochNanos()).isLessThan(server.getStartEpochNanos());
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		assertThat(gateway.getAttributes().get(STATUS_CODE)).isEqualTo("200");
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
	}

	@Test
	void delayedResponseEndsGatewaySpanAfterTheDelay() throws Exception {
		long gatewayTime = System.currentTimeMillis() - 100;
		assertThat(this.client.get("/delayed", GatewayHeaders.restApi(gatewayTime)).body()).isEqualTo("delayed");
		SpanData server = this.spans.awaitServerSpan("/delayed");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(gateway.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(gatewayTime));
		assertThat(server.getEndEpochNanos() - server.getStartEpochNanos())
			.isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		assertThat(gateway.getAttributes().get(STATUS_CODE)).isEqualTo("200");
	}

	@Test
	void serverSentEventsEndGatewaySpanAfterTheLastEvent() throws Exception {
		assertStreamEndsGatewaySpanAfterServerSpan("/sse", "data:event 4");
	}

	@Test
	void ndjsonStreamEndsGatewaySpanAfterTheLastLine() throws Exception {
		assertStreamEndsGatewaySpanAfterServerSpan("/ndjson", "{\"line\":4}");
	}

	private void assertStreamEndsGatewaySpanAfterServerSpan(String path, String lastItem) throws Exception {
		long gatewayTime = System.currentTimeMillis() - 100;
		HttpResponse<String> response = this.client.get(path, GatewayHeaders.restApi(gatewayTime));
		assertThat(response.body()).contains(lastItem);
		SpanData server = this.spans.awaitServerSpan(path);
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(gateway.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(gatewayTime));
		// Five items 50 ms apart: the server span covers the stream, the gateway span
		// too.
		assertThat(server.getEndEpochNanos() - server.getStartEpochNanos())
			.isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		assertThat(gateway.getAttributes().get(STATUS_CODE)).isEqualTo("200");
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
	}

	@Test
	void exceptionThrownByControllerIsRecordedOnGatewaySpan() throws Exception {
		assertFailure("/fail", IllegalStateException.class, "thrown by the controller");
	}

	@Test
	void errorSignalledByMonoIsRecordedOnGatewaySpan() throws Exception {
		assertFailure("/fail-mono", IllegalArgumentException.class, "signalled by the Mono");
	}

	@Test
	void errorSignalledLaterOnAnotherThreadIsRecordedOnGatewaySpan() throws Exception {
		assertFailure("/fail-delayed", IllegalStateException.class, "failed later");
	}

	private void assertFailure(String path, Class<? extends Throwable> type, String message) throws Exception {
		HttpResponse<String> response = this.client.get(path, GatewayHeaders.restApi(System.currentTimeMillis() - 100));
		assertThat(response.statusCode()).isEqualTo(500);
		SpanData server = this.spans.awaitServerSpan(path);
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(gateway.getAttributes().get(STATUS_CODE)).isEqualTo("500");
		assertThat(gateway.getEvents()).filteredOn((event) -> event.getName().equals("exception"))
			.singleElement()
			.satisfies((event) -> {
				assertThat(attribute(event, "exception.type")).isEqualTo(type.getName());
				assertThat(attribute(event, "exception.message")).isEqualTo(message);
			});
	}

	@Test
	void serviceUnavailableResponseMarksGatewaySpanAsError() throws Exception {
		HttpResponse<String> response = this.client.get("/status/503",
				GatewayHeaders.restApi(System.currentTimeMillis() - 100));
		assertThat(response.statusCode()).isEqualTo(503);
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(gateway.getAttributes().get(STATUS_CODE)).isEqualTo("503");
		assertThat(gateway.getEvents()).noneMatch((event) -> event.getName().equals("exception"));
	}

	@Test
	void notFoundDoesNotMarkGatewaySpanAsError() throws Exception {
		HttpResponse<String> response = this.client.get("/nowhere",
				GatewayHeaders.restApi(System.currentTimeMillis() - 100));
		assertThat(response.statusCode()).isEqualTo(404);
		// No handler matched, so WebFlux's static resource handling answered.
		SpanData server = this.spans.awaitServerSpan("/**");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(gateway.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
		assertThat(gateway.getAttributes().get(STATUS_CODE)).isEqualTo("404");
		assertThat(gateway.getEvents()).noneMatch((event) -> event.getName().equals("exception"));
	}

	@Test
	void errorAfterResponseCommittedIsRecordedWithCommittedStatus() throws Exception {
		// The JDK client would fail on the broken chunked stream before showing the
		// status.
		int status = this.client.rawGet("/sse-then-fail", GatewayHeaders.restApi(System.currentTimeMillis() - 100))
			.statusCode();
		assertThat(status).isEqualTo(200);
		SpanData server = this.spans.awaitServerSpan("/sse-then-fail");
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		// The client saw a 200 followed by a broken stream, as the server span says.
		assertThat(gateway.getAttributes().get(STATUS_CODE))
			.isEqualTo(server.getAttributes().get(AttributeKey.stringKey("status")));
		assertThat(gateway.getEvents()).filteredOn((event) -> event.getName().equals("exception"))
			.singleElement()
			.satisfies((event) -> assertThat(attribute(event, "exception.message")).isEqualTo("failed mid-stream"));
	}

	@Test
	void clientHangingUpMidStreamEndsGatewaySpanOnceAfterServerSpan() throws Exception {
		String stage = "cancel-" + System.nanoTime();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		headers.put("x-dd-proxy-path", "/prod/endless");
		headers.put("x-dd-proxy-stage", stage);
		this.client.getAndHangUpAfter("/endless", headers, "data:tick 2");
		SpanData server = this.spans.awaitServerSpan("/endless");
		SpanData gateway = this.spans.await("gateway span of the cancelled request",
				(span) -> "/prod/endless".equals(span.getAttributes().get(URL_PATH)));
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
		// Stopped once: a second stop would record the request timer a second time.
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
			Timer timer = this.meterRegistry.find("inferred.proxy.requests").tag("stage", stage).timer();
			assertThat(timer).isNotNull();
			assertThat(timer.count()).isEqualTo(1);
			assertThat(this.spans.all())
				.filteredOn((span) -> "/prod/endless".equals(span.getAttributes().get(URL_PATH)))
				.hasSize(1);
		});
	}

	private static String attribute(EventData event, String key) {
		return event.getAttributes().get(AttributeKey.stringKey(key));
	}

}
