package io.github.inferredproxy.test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link GatewaySpans} and {@link GatewayTraceAssert}: each assertion passes
 * for the span tree the starter makes and fails, saying what was recorded, for each way
 * it can be wrong.
 */
class GatewaySpansTests {

	private final GatewaySpans recorder = new GatewaySpans();

	private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
		.addSpanProcessor(this.recorder.spanProcessor())
		.build();

	private final Tracer tracer = this.tracerProvider.get("test");

	private final GatewayHeaders headers = GatewayHeaders.restApi().receivedAt(1_700_000_000_000L);

	@AfterEach
	void close() {
		this.tracerProvider.close();
	}

	@Test
	void theStartersSpanTreePassesEveryAssertion() {
		Span gateway = gatewaySpan(this.headers.receivedAt());
		Span server = child(gateway, "http get /orders/{id}");
		server.end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.setAttribute("http.route", "/orders/{id}").setAttribute("http.response.status_code", 200L);
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		GatewayTrace trace = this.recorder.await(this.headers);
		assertThat(trace).hasGatewaySpanAsParentOfServerSpan()
			.gatewaySpanHasName("aws.apigateway")
			.gatewaySpanStartsAtTheGatewayReceiveTime()
			.gatewaySpanHasAttribute("http.route", "/orders/{id}")
			.gatewaySpanHasAttribute("http.response.status_code", 200L)
			.gatewaySpanDoesNotHaveAttribute("aws_user")
			.gatewaySpanIsNotError();
		assertThat(trace.serverSpan().getName()).isEqualTo("http get /orders/{id}");
	}

	@Test
	void aServerSpanNotBelowTheGatewaySpanFails() {
		Span gateway = gatewaySpan(this.headers.receivedAt());
		// A sibling, as Micrometer's receiver handler makes with an incoming traceparent.
		Span server = serverSpanBelowUpstream("http get /orders/{id}");
		server.end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		GatewayTrace trace = this.recorder.await(this.headers);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(trace).hasGatewaySpanAsParentOfServerSpan())
			.withMessageContaining("to be the parent of the server span http get /orders/{id}");
	}

	@Test
	void aMissingGatewaySpanFailsAndNoGatewaySpanPasses() {
		serverSpanBelowUpstream("http get /orders/{id}").end(endAt(100), TimeUnit.NANOSECONDS);
		GatewayTrace trace = this.recorder.await(this.headers);
		assertThat(trace).hasNoGatewaySpan();
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(trace).hasGatewaySpanAsParentOfServerSpan())
			.withMessageContaining("Expected a gateway span but the request got none")
			.withMessageContaining("http get /orders/{id}");
	}

	@Test
	void aGatewaySpanWhereNoneIsExpectedFails() {
		Span gateway = gatewaySpan(this.headers.receivedAt());
		child(gateway, "http get /orders/{id}").end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		GatewayTrace trace = this.recorder.await(this.headers);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(trace).hasNoGatewaySpan())
			.withMessageContaining("Expected no gateway span but found aws.apigateway");
	}

	@Test
	void aSpanRecordedTwiceFails() {
		Span gateway = gatewaySpan(this.headers.receivedAt());
		Span server = child(gateway, "http get /orders/{id}");
		server.end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		// As when a second processor, or an exporter bean batched by Boot, sees it again.
		this.recorder.spanProcessor().onEnd((ReadableSpan) server);
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.recorder.await(this.headers))
			.withMessageContaining("was recorded twice");
	}

	@Test
	void aGatewaySpanThatEndedBeforeTheServerSpanFails() {
		Span gateway = gatewaySpan(this.headers.receivedAt());
		Span server = child(gateway, "http get /orders/{id}");
		gateway.end(endAt(50), TimeUnit.NANOSECONDS);
		server.end(endAt(100), TimeUnit.NANOSECONDS);
		GatewayTrace trace = this.recorder.await(this.headers);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(trace).hasGatewaySpanAsParentOfServerSpan())
			.withMessageContaining("to end at or after the server span");
	}

	@Test
	void aWrongStartTimeFails() {
		Span gateway = gatewaySpan(this.headers.receivedAt() + 1);
		child(gateway, "http get /orders/{id}").end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		GatewayTrace trace = this.recorder.await(this.headers);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(trace).gatewaySpanStartsAtTheGatewayReceiveTime())
			.withMessageContaining("to start at " + this.headers.receivedAt() + " ms")
			.withMessageContaining("(+1.000 ms)");
	}

	@Test
	void aWrongAttributeOrErrorStatusFailsSayingWhatWasRecorded() {
		Span gateway = gatewaySpan(this.headers.receivedAt());
		child(gateway, "http get /orders/{id}").end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.setAttribute("http.route", "/{proxy+}").setStatus(StatusCode.ERROR, "HTTP 502");
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		GatewayTrace trace = this.recorder.await(this.headers);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> assertThat(trace).gatewaySpanHasAttribute("http.route", "/orders/{id}"))
			.withMessageContaining("to be /orders/{id} (String) but it is /{proxy+} (String)");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> assertThat(trace).gatewaySpanIsNotError())
			.withMessageContaining("HTTP 502");
		assertThat(trace).gatewaySpanIsError();
	}

	@Test
	void aRequestWhoseSpansNeverEndFailsAfterTheTimeoutSayingWhatWasRecorded() {
		Span gateway = gatewaySpan(this.headers.receivedAt());
		child(gateway, "http get /orders/{id}").end(endAt(100), TimeUnit.NANOSECONDS);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.recorder.await(this.headers, Duration.ofMillis(50)))
			.withMessageContaining("did not end within")
			.withMessageContaining("http get /orders/{id}");
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
	}

	@Test
	void aNumberIsTheSameWhateverItsBoxedType() {
		Span gateway = gatewaySpan(this.headers.receivedAt());
		child(gateway, "http get /orders/{id}").end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.setAttribute("http.response.status_code", 200L);
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		assertThat(this.recorder.await(this.headers)).gatewaySpanHasAttribute("http.response.status_code", 200);
	}

	@Test
	void b3HeadersCarryTheSameUpstreamTrace() {
		GatewayHeaders b3 = this.headers.withB3();
		assertThat(b3.asMap()).doesNotContainKey("traceparent")
			.containsEntry("b3", this.headers.traceId() + "-" + this.headers.upstreamSpanId() + "-1");
		Span gateway = gatewaySpan(this.headers.receivedAt());
		child(gateway, "http get /orders/{id}").end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		assertThat(this.recorder.await(b3)).hasGatewaySpanAsParentOfServerSpan();
	}

	@Test
	void headersWithoutAnUpstreamTraceFailAtOnce() {
		GatewayHeaders untraced = GatewayHeaders.restApi().without("traceparent");
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.recorder.await(untraced))
			.withMessageContaining("carry no upstream trace");
	}

	@Test
	void spansOfOtherTracesAreNotTheRequests() {
		GatewayHeaders other = GatewayHeaders.restApi();
		assertThat(other.traceId()).isNotEqualTo(this.headers.traceId());
		Span gateway = gatewaySpan(this.headers.receivedAt());
		child(gateway, "http get /orders/{id}").end(endAt(100), TimeUnit.NANOSECONDS);
		gateway.end(endAt(101), TimeUnit.NANOSECONDS);
		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.recorder.await(other, Duration.ofMillis(20)))
			.withMessageContaining(other.traceId());
	}

	private Span gatewaySpan(long startMillis) {
		return this.tracer.spanBuilder("aws.apigateway")
			.setParent(upstream())
			.setSpanKind(SpanKind.SERVER)
			.setStartTimestamp(startMillis, TimeUnit.MILLISECONDS)
			.startSpan();
	}

	private Span serverSpanBelowUpstream(String name) {
		return this.tracer.spanBuilder(name)
			.setParent(upstream())
			.setSpanKind(SpanKind.SERVER)
			.setStartTimestamp(this.headers.receivedAt() + 10, TimeUnit.MILLISECONDS)
			.startSpan();
	}

	private Span child(Span parent, String name) {
		return this.tracer.spanBuilder(name)
			.setParent(Context.root().with(parent))
			.setSpanKind(SpanKind.SERVER)
			.setStartTimestamp(this.headers.receivedAt() + 10, TimeUnit.MILLISECONDS)
			.startSpan();
	}

	private Context upstream() {
		return Context.root()
			.with(Span.wrap(SpanContext.createFromRemoteParent(this.headers.traceId(), this.headers.upstreamSpanId(),
					TraceFlags.getSampled(), TraceState.getDefault())));
	}

	private long endAt(long millisAfterReceipt) {
		return TimeUnit.MILLISECONDS.toNanos(this.headers.receivedAt() + millisAfterReceipt);
	}

}
