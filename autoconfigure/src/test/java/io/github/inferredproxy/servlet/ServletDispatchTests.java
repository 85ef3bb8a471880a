package io.github.inferredproxy.servlet;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import io.github.inferredproxy.servlet.ServletTraceContextTests.Upstream;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At most one gateway span per request, however many dispatches Tomcat makes: ASYNC
 * dispatches of async requests, the ERROR dispatch to {@code /error} after an exception
 * or {@code sendError}, and FORWARD dispatches.
 */
@InferredProxyServletTest
class ServletDispatchTests {

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

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|',
			value = { "/orders/42 | 200 | order 42", "/deferred | 200 | deferred", "/callable | 200 | callable",
					"/web-async-task | 200 | web async task", "/sse | 200 | data:event 2", "/forward | 200 | order 7",
					// An ASYNC dispatch, then Spring MVC's sendError(503) and an ERROR
					// dispatch.
					"/deferred/timeout | 503 | \"status\":503",
					// An exception, then Tomcat's ERROR dispatch to Boot's /error.
					"/fail | 500 | \"status\":500", "/deferred/fail | 500 | \"status\":500",
					"/callable/fail | 500 | \"status\":500",
					// sendError, then an ERROR dispatch.
					"/send-error/503 | 503 | \"status\":503", "/no-such-page | 404 | \"status\":404" })
	void everyRequestGetsExactlyOneGatewayObservationAndSpan(String path, int status, String bodyPart)
			throws Exception {
		Upstream upstream = Upstream.random();
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		// One trace for everything the request causes, so that a second gateway span,
		// wherever it was started, would be in it.
		headers.put("traceparent", "00-" + upstream.traceId() + "-" + upstream.spanId() + "-01");
		HttpResponse<String> response = this.client.get(path, headers);
		assertThat(response.statusCode()).isEqualTo(status);
		// The body shows which dispatches ran: an error body is written by the ERROR
		// dispatch.
		assertThat(response.body()).contains(bodyPart);
		// Every dispatch ran before the response was complete, so the starts are final.
		assertThat(this.gatewayObservations.awaitStopped(id)).containsExactly("start", "stop " + status);
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		this.spans.awaitChildOf(gateway);
		assertThat(this.spans.inTrace(upstream.traceId())).filteredOn((span) -> span.getName().equals("aws.apigateway"))
			.containsExactly(gateway);
	}

}
