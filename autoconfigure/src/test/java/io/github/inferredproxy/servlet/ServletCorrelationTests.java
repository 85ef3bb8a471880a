package io.github.inferredproxy.servlet;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.github.inferredproxy.testsupport.CorrelatedRequest;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.LogLines;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.github.inferredproxy.testsupport.TomcatThreadStateProbe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Correlation with AWS on Spring MVC and Tomcat: the gateway span carries the gateway's
 * request id and the X-Ray root, and the application's log lines, written with the
 * README's {@code logging.pattern.correlation} (the test application.properties), carry
 * the request id next to the trace and span ids, on the request's dispatches. Nothing is
 * left in the MDC of Tomcat's threads: the {@link TomcatThreadStateProbe}, outside every
 * filter, checks it before and after each dispatch.
 */
@InferredProxyServletTest
@ExtendWith(OutputCaptureExtension.class)
class ServletCorrelationTests {

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	TomcatThreadStateProbe threadState;

	private TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
	}

	@Test
	void gatewaySpanCarriesTheRequestIdAndTheXrayRoot() throws Exception {
		String id = UUID.randomUUID().toString();
		String root = GatewayHeaders.newXrayTraceId();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		// As an Application Load Balancer behind the gateway writes it.
		headers.put("X-Amzn-Trace-Id", "Self=1-67891234-12456789abcdef012345678a;Root=" + root + ";Sampled=1");
		CorrelatedRequest request = CorrelatedRequest.send(this.client, this.spans, "/orders/7", id, headers);
		assertThat(RecordedSpans.attribute(request.gateway(), "request_id")).isEqualTo(id);
		assertThat(RecordedSpans.attribute(request.gateway(), "aws.request_id")).isEqualTo(id);
		assertThat(RecordedSpans.attribute(request.gateway(), "inferred_proxy.xray_trace_id")).isEqualTo(root);
	}

	@Test
	void logLineOfTheControllerCarriesTheRequestIdNextToTheTraceAndSpanIds(CapturedOutput output) throws Exception {
		long checksBefore = this.threadState.checks();
		CorrelatedRequest request = CorrelatedRequest.send(this.client, this.spans, "/correlation/log");
		assertThat(request.body()).isEqualTo(request.requestId());
		assertThat(LogLines.awaitLine(output, "correlation " + request.marker()))
			.contains(request.loggedInServerSpan(request.requestId()));
		assertNothingLeftOnTheThreads(checksBefore, 1);
	}

	@Test
	void logLineOfTheAsyncDispatchCarriesTheRequestId(CapturedOutput output) throws Exception {
		long checksBefore = this.threadState.checks();
		CorrelatedRequest request = CorrelatedRequest.send(this.client, this.spans, "/correlation/deferred");
		assertThat(request.body()).isEqualTo("deferred");
		assertThat(LogLines.awaitLine(output, "correlation " + request.marker() + " on the async dispatch"))
			.contains(request.loggedInServerSpan(request.requestId()));
		assertNothingLeftOnTheThreads(checksBefore, 2);
	}

	@Test
	void withoutAUsableRequestIdTheLogLineHasNoneAndTheSpanNoAttribute(CapturedOutput output) throws Exception {
		for (String requestId : new String[] { null, "has blanks", "x".repeat(129) }) {
			String id = UUID.randomUUID().toString();
			Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
			headers.remove("x-dd-proxy-request-id");
			if (requestId != null) {
				headers.put("x-dd-proxy-request-id", requestId);
			}
			CorrelatedRequest request = CorrelatedRequest.send(this.client, this.spans, "/correlation/log", id,
					headers);
			assertThat(request.body()).as(requestId).isEqualTo("none");
			assertThat(RecordedSpans.attribute(request.gateway(), "request_id")).as(requestId).isNull();
			assertThat(RecordedSpans.attribute(request.gateway(), "aws.request_id")).as(requestId).isNull();
			assertThat(LogLines.awaitLine(output, "correlation " + request.marker())).as(requestId)
				.contains(request.loggedInServerSpan(""));
		}
	}

	/**
	 * Each dispatch is checked before and after, outside every filter.
	 */
	private void assertNothingLeftOnTheThreads(long checksBefore, int dispatches) {
		await().atMost(Duration.ofSeconds(5)).until(() -> this.threadState.checks() >= checksBefore + 2L * dispatches);
		assertThat(this.threadState.leftovers()).isEmpty();
	}

}
