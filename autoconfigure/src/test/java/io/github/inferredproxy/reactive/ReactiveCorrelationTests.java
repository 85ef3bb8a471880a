package io.github.inferredproxy.reactive;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.inferredproxy.observation.GatewayRequestIdMdc;
import io.github.inferredproxy.testsupport.CorrelatedRequest;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.LogLines;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Correlation with AWS on WebFlux and Reactor Netty, with Boot's default (limited)
 * context propagation: the gateway span carries the gateway's request id and the X-Ray
 * root; a log line written while the request is handled on the event loop carries the
 * request id next to the trace id, with the README's {@code logging.pattern.correlation}
 * (the test application.properties); after a thread hop it carries neither, as
 * {@link ReactiveAutoContextPropagationCorrelationTests} shows it does with automatic
 * propagation. The event loops and the schedulers' threads keep nothing after a request.
 */
@ReactiveIntegrationTest
@ExtendWith(OutputCaptureExtension.class)
class ReactiveCorrelationTests {

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	ObservationRegistry observationRegistry;

	@Autowired
	Tracer tracer;

	@Autowired
	ReactorResourceFactory reactorResources;

	private TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
	}

	/**
	 * Whether the observation, and so the trace and the request id, are restored after a
	 * thread hop of the reactive chain.
	 * @return {@code false} with Boot's default context propagation
	 */
	protected boolean restoredAfterThreadHop() {
		return false;
	}

	@Test
	void httpApiSpanCarriesTheRequestIdAndTheXrayRoot() throws Exception {
		String id = UUID.randomUUID().toString();
		String root = GatewayHeaders.newXrayTraceId();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.put("x-dd-proxy", "aws-httpapi");
		headers.put("X-Amzn-Trace-Id", "Root=" + root);
		SpanData gateway = CorrelatedRequest.send(this.client, this.spans, "/orders/7", id, headers).gateway();
		assertThat(gateway.getName()).isEqualTo("aws.httpapi");
		assertThat(RecordedSpans.attribute(gateway, "request_id")).isEqualTo(id);
		assertThat(RecordedSpans.attribute(gateway, "aws.request_id")).isEqualTo(id);
		assertThat(RecordedSpans.attribute(gateway, "inferred_proxy.xray_trace_id")).isEqualTo(root);
	}

	@Test
	void apiManagementRequestIdIsAzServiceRequestId() throws Exception {
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.put("x-dd-proxy", "azure-apim");
		headers.remove("X-Amzn-Trace-Id");
		SpanData gateway = CorrelatedRequest.send(this.client, this.spans, "/orders/7", id, headers).gateway();
		assertThat(RecordedSpans.attribute(gateway, "az.service_request_id")).isEqualTo(id);
		assertThat(RecordedSpans.attribute(gateway, "aws.request_id")).isNull();
		assertThat(RecordedSpans.attribute(gateway, "inferred_proxy.xray_trace_id")).isNull();
	}

	@Test
	void logLineOfTheControllerCarriesTheRequestIdNextToTheTraceId(CapturedOutput output) throws Exception {
		CorrelatedRequest request = CorrelatedRequest.send(this.client, this.spans, "/correlation/log");
		assertThat(request.body()).isEqualTo(request.requestId());
		// The current span is the gateway span, or the server span where Reactor restored
		// the server observation.
		assertThat(LogLines.awaitLine(output, "correlation " + request.marker())).containsAnyOf(
				request.loggedInGatewaySpan(request.requestId()), request.loggedInServerSpan(request.requestId()));
		assertNothingLeftOnTheServersThreads();
	}

	@Test
	void logLinesAfterAThreadHopCarryTheRequestIdWhereTheObservationIsRestored(CapturedOutput output) throws Exception {
		CorrelatedRequest request = CorrelatedRequest.send(this.client, this.spans, "/correlation/hop");
		String expected = restoredAfterThreadHop() ? request.loggedInServerSpan(request.requestId()) : "[,,,] ";
		assertThat(request.body()).isEqualTo(restoredAfterThreadHop() ? request.requestId() : "none");
		assertThat(LogLines.awaitLine(output, "correlation " + request.marker() + " after Mono.delay"))
			.contains(expected);
		assertThat(LogLines.awaitLine(output, "correlation " + request.marker() + " after publishOn"))
			.contains(expected);
		assertNothingLeftOnTheServersThreads();
	}

	private void assertNothingLeftOnTheServersThreads() throws Exception {
		ReactiveLeakTests.checkEveryServerEventLoop(this.reactorResources, this.observationRegistry, this.tracer);
		assertThat(mdcRequestIdsOn(Schedulers.parallel())).containsOnly("null");
		assertThat(mdcRequestIdsOn(Schedulers.boundedElastic())).containsOnly("null");
	}

	/**
	 * Return what the MDC holds on the threads of a scheduler ({@code "null"} for
	 * nothing), one task per worker and then some, from a thread without an observation.
	 */
	private static List<String> mdcRequestIdsOn(Scheduler scheduler) {
		return Flux.range(0, 4 * Schedulers.DEFAULT_POOL_SIZE)
			.concatMap((i) -> Mono.fromCallable(() -> String.valueOf(MDC.get(GatewayRequestIdMdc.KEY)))
				.subscribeOn(scheduler))
			.collectList()
			.block(Duration.ofSeconds(10));
	}

}
