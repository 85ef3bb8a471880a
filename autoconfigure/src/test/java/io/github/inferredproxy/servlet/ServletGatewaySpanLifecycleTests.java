package io.github.inferredproxy.servlet;

import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the gateway span starts and ends, and how it reports the outcome, for each way
 * Spring MVC can serve a request: it starts exactly at the gateway's receive time, ends
 * at or after the server span once the final status is known, and is an error exactly
 * when the status is 5xx.
 */
@InferredProxyServletTest
class ServletGatewaySpanLifecycleTests {

	private static final AttributeKey<String> DD_STATUS = AttributeKey.stringKey("http.status_code");

	private static final AttributeKey<Long> OTEL_STATUS = AttributeKey.longKey("http.response.status_code");

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	private TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "/orders/42, 200, order 42", "/deferred, 200, deferred", "/callable, 200, callable",
			"/web-async-task, 200, web async task" })
	void gatewaySpanStartsAtGatewayTimeAndEndsAfterServerSpan(String path, int status, String body) throws Exception {
		Exchange exchange = send(path);
		assertThat(exchange.response().statusCode()).isEqualTo(status);
		assertThat(exchange.response().body()).isEqualTo(body);
		SpanData gateway = exchange.assertEnclosesServerSpan(status);
		assertThat(gateway.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(gateway.getName()).isEqualTo("aws.apigateway");
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
		assertThat(gateway.getEvents()).isEmpty();
	}

	@Test
	void sseEmitterGatewaySpanEndsAfterTheLastEvent() throws Exception {
		Exchange exchange = send("/sse");
		assertThat(exchange.response().statusCode()).isEqualTo(200);
		assertThat(exchange.response().body()).contains("data:event 0", "data:event 2");
		SpanData gateway = exchange.assertEnclosesServerSpan(200);
		// Three events 30 ms apart: the span covers the stream, not just the handler.
		assertThat(gateway.getEndEpochNanos() - TimeUnit.MILLISECONDS.toNanos(exchange.sentMillis()))
			.isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(60));
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
	}

	@Test
	void deferredResultGatewaySpanEndsAfterTheResultIsSet() throws Exception {
		Exchange exchange = send("/deferred");
		SpanData gateway = exchange.assertEnclosesServerSpan(200);
		// The result is set 100 ms after the handler returned.
		assertThat(gateway.getEndEpochNanos() - TimeUnit.MILLISECONDS.toNanos(exchange.sentMillis()))
			.isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "/fail, boom", "/deferred/fail, async boom", "/callable/fail, callable boom" })
	void exceptionMakesA500AndIsRecordedOnGatewaySpan(String path, String message) throws Exception {
		Exchange exchange = send(path);
		assertThat(exchange.response().statusCode()).isEqualTo(500);
		SpanData gateway = exchange.assertEnclosesServerSpan(500);
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(gateway.getEvents()).singleElement().satisfies((event) -> {
			assertThat(event.getName()).isEqualTo("exception");
			assertThat(attribute(event, "exception.type")).isEqualTo(IllegalStateException.class.getName());
			assertThat(attribute(event, "exception.message")).isEqualTo(message);
		});
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "/status/503, 503", "/send-error/503, 503", "/status/500, 500", "/send-error/502, 502" })
	void serverErrorStatusWithoutExceptionMarksGatewaySpanAsError(String path, int status) throws Exception {
		Exchange exchange = send(path);
		assertThat(exchange.response().statusCode()).isEqualTo(status);
		SpanData gateway = exchange.assertEnclosesServerSpan(status);
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(gateway.getEvents()).noneMatch((event) -> event.getName().equals("exception"));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource({ "/no-such-page, 404", "/search, 400", "/status/404, 404", "/send-error/401, 401",
			"/search?page=x, 400" })
	void clientErrorStatusDoesNotMarkGatewaySpanAsError(String path, int status) throws Exception {
		Exchange exchange = send(path);
		assertThat(exchange.response().statusCode()).isEqualTo(status);
		SpanData gateway = exchange.awaitGatewaySpan();
		assertThat(gateway.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(exchange.gatewayMillis()));
		assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo(String.valueOf(status));
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
	}

	@Test
	void asyncTimeoutEndsGatewaySpanWithTheTimeoutStatus() throws Exception {
		Exchange exchange = send("/deferred/timeout");
		// Spring MVC's answer to an AsyncRequestTimeoutException.
		assertThat(exchange.response().statusCode()).isEqualTo(503);
		SpanData gateway = exchange.assertEnclosesServerSpan(503);
		assertThat(gateway.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(gateway.getEndEpochNanos() - TimeUnit.MILLISECONDS.toNanos(exchange.sentMillis()))
			.isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
	}

	private static String attribute(EventData event, String key) {
		return event.getAttributes().get(AttributeKey.stringKey(key));
	}

	private Exchange send(String path) throws Exception {
		String id = UUID.randomUUID().toString();
		// Not a round number of seconds, so that ms precision is checked.
		long gatewayMillis = System.currentTimeMillis() - 123;
		long sentMillis = System.currentTimeMillis();
		HttpResponse<String> response = this.client.get(path, GatewayHeaders.restApi(gatewayMillis, id));
		return new Exchange(id, gatewayMillis, sentMillis, response);
	}

	private final class Exchange {

		private final String id;

		private final long gatewayMillis;

		private final long sentMillis;

		private final HttpResponse<String> response;

		Exchange(String id, long gatewayMillis, long sentMillis, HttpResponse<String> response) {
			this.id = id;
			this.gatewayMillis = gatewayMillis;
			this.sentMillis = sentMillis;
			this.response = response;
		}

		HttpResponse<String> response() {
			return this.response;
		}

		long gatewayMillis() {
			return this.gatewayMillis;
		}

		long sentMillis() {
			return this.sentMillis;
		}

		SpanData awaitGatewaySpan() {
			return ServletGatewaySpanLifecycleTests.this.spans.awaitGatewaySpan(this.id);
		}

		/**
		 * Assert the shape every gateway span has: it starts at the gateway time to the
		 * millisecond, its child is the server span of the same trace, it ends no earlier
		 * than the server span, and it carries the final status.
		 */
		SpanData assertEnclosesServerSpan(int status) {
			SpanData gateway = awaitGatewaySpan();
			SpanData server = ServletGatewaySpanLifecycleTests.this.spans.awaitChildOf(gateway);
			assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
			assertThat(server.getName()).startsWith("http ");
			assertThat(server.getTraceId()).isEqualTo(gateway.getTraceId());
			assertThat(gateway.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(this.gatewayMillis));
			assertThat(gateway.hasEnded()).isTrue();
			assertThat(gateway.getEndEpochNanos()).isGreaterThanOrEqualTo(server.getEndEpochNanos());
			assertThat(gateway.getAttributes().get(DD_STATUS)).isEqualTo(String.valueOf(status));
			assertThat(gateway.getAttributes().get(OTEL_STATUS)).isEqualTo((long) status);
			return gateway;
		}

	}

}
