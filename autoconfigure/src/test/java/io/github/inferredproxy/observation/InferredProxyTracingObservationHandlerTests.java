package io.github.inferredproxy.observation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.GatewaySystem;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyTracingObservationHandler}, on the OpenTelemetry SDK
 * through Micrometer's OpenTelemetry bridge, with the handlers grouped as Spring Boot
 * groups them.
 */
class InferredProxyTracingObservationHandlerTests {

	private static final String UPSTREAM_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String UPSTREAM_SPAN_ID = "00f067aa0ba902b7";

	private static final String CLIENT_TRACE_ID = "0af7651916cd43dd8448eb211c80319c";

	private static final String CLIENT_SPAN_ID = "b7ad6b7169203331";

	private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

	private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
		.setSampler(Sampler.alwaysOn())
		.addSpanProcessor(SimpleSpanProcessor.create(this.exporter))
		.build();

	private final io.opentelemetry.api.trace.Tracer otelTracer = this.tracerProvider.get("test");

	private final OtelCurrentTraceContext currentTraceContext = new OtelCurrentTraceContext();

	private final OtelTracer tracer = new OtelTracer(this.otelTracer, this.currentTraceContext, (event) -> {
	}, new OtelBaggageManager(this.currentTraceContext, List.of(), List.of()));

	private final OtelPropagator propagator = new OtelPropagator(
			ContextPropagators.create(W3CTraceContextPropagator.getInstance()), this.otelTracer);

	private final InferredProxyTracingObservationHandler handler = new InferredProxyTracingObservationHandler(
			this.tracer, this.propagator);

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	InferredProxyTracingObservationHandlerTests() {
		// Boot's grouping: the tracing handlers in one first-matching group, ours first;
		// a plain handler, such as the hand-over from the server observation, on its own.
		this.registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(this.handler,
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, this.propagator),
					new PropagatingSenderTracingObservationHandler<>(this.tracer, this.propagator),
					new DefaultTracingObservationHandler(this.tracer)))
			.observationHandler(new InferredProxyServerObservationHandler());
	}

	@AfterEach
	void noSpanLeaks() {
		assertThat(this.tracer.currentSpan()).isNull();
		assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isNull();
		this.tracerProvider.close();
	}

	@Test
	void gatewaySpanStartsAtTheGatewayTimeAndIsATraceRootWithoutUpstreamContext() {
		long gatewayTime = System.currentTimeMillis() - 250;
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(gatewayTime));
		gateway.stop(200, null);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(span.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(gatewayTime));
		assertThat(span.getEndEpochNanos()).isGreaterThan(span.getStartEpochNanos());
		assertThat(span.getParentSpanContext().isValid()).isFalse();
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
	}

	@Test
	void gatewaySpanCarriesTheHighCardinalityAttributesOnly() {
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		gateway.stop(200, null);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(attribute(span, "component")).isEqualTo("aws-apigateway");
		assertThat(attribute(span, "resource.name")).isEqualTo("GET /orders/{id}");
		assertThat(attribute(span, "http.url")).isEqualTo("https://api.example.com/prod/orders/42");
		assertThat(attribute(span, "http.status_code")).isEqualTo("200");
		assertThat(span.getAttributes().get(AttributeKey.stringKey("http.status_code"))).isEqualTo("200");
		assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(200L);
		assertThat(span.getAttributes().get(AttributeKey.longKey("_dd.inferred_span"))).isEqualTo(1L);
		assertThat(attribute(span, "cloud.resource_id"))
			.isEqualTo("arn:aws:apigateway:eu-west-3::/restapis/a1b2c3d4e5");
		// Meter tags, not span attributes: no route=UNKNOWN or outcome on the span.
		assertThat(attribute(span, "outcome")).isNull();
		assertThat(attribute(span, "system")).isNull();
		assertThat(attribute(span, "status")).isNull();
	}

	@Test
	void gatewaySpanContinuesTheTraceOfTheTraceparentHeader() {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 10);
		headers.put("traceparent", "00-" + UPSTREAM_TRACE_ID + "-" + UPSTREAM_SPAN_ID + "-01");
		GatewayObservation gateway = startGateway(headers);
		gateway.stop(200, null);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(span.getTraceId()).isEqualTo(UPSTREAM_TRACE_ID);
		assertThat(span.getParentSpanId()).isEqualTo(UPSTREAM_SPAN_ID);
		assertThat(span.getParentSpanContext().isRemote()).isTrue();
	}

	@Test
	void serverSpanIsChildOfGatewaySpanWithoutTraceparent() {
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		runServerObservationInScope(gateway, new HashMap<>(), null);
		gateway.stop(200, null);
		SpanData gatewaySpan = onlySpanNamed("aws.apigateway");
		SpanData serverSpan = onlySpanNamed("http get");
		assertThat(serverSpan.getTraceId()).isEqualTo(gatewaySpan.getTraceId());
		assertThat(serverSpan.getParentSpanId()).isEqualTo(gatewaySpan.getSpanId());
		assertThat(serverSpan.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(gatewaySpan.getEndEpochNanos()).isGreaterThanOrEqualTo(serverSpan.getEndEpochNanos());
		assertThat(serverSpan.getStartEpochNanos()).isGreaterThanOrEqualTo(gatewaySpan.getStartEpochNanos());
	}

	@Test
	void serverSpanIsChildOfGatewaySpanEvenWhenItsCarrierHasATraceparent() {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 10);
		headers.put("traceparent", "00-" + UPSTREAM_TRACE_ID + "-" + UPSTREAM_SPAN_ID + "-01");
		GatewayObservation gateway = startGateway(headers);
		runServerObservationInScope(gateway, headers, null);
		gateway.stop(200, null);
		SpanData gatewaySpan = onlySpanNamed("aws.apigateway");
		SpanData serverSpan = onlySpanNamed("http get");
		assertThat(gatewaySpan.getParentSpanId()).isEqualTo(UPSTREAM_SPAN_ID);
		assertThat(serverSpan.getTraceId()).isEqualTo(UPSTREAM_TRACE_ID);
		assertThat(serverSpan.getParentSpanId()).isEqualTo(gatewaySpan.getSpanId());
	}

	@Test
	void serverSpanIsChildOfGatewaySpanEvenWhenItsCarrierHasADifferentTraceparent() {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 10);
		GatewayObservation gateway = startGateway(headers);
		Map<String, String> serverCarrier = Map.of("traceparent",
				"00-" + CLIENT_TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
		runServerObservationInScope(gateway, serverCarrier, null);
		gateway.stop(200, null);
		SpanData gatewaySpan = onlySpanNamed("aws.apigateway");
		SpanData serverSpan = onlySpanNamed("http get");
		assertThat(serverSpan.getTraceId()).isEqualTo(gatewaySpan.getTraceId()).isNotEqualTo(CLIENT_TRACE_ID);
		assertThat(serverSpan.getParentSpanId()).isEqualTo(gatewaySpan.getSpanId());
	}

	@Test
	void receiverWithoutGatewayParentIsLeftToBootsReceiverHandler() {
		Map<String, String> carrier = Map.of("traceparent", "00-" + CLIENT_TRACE_ID + "-" + CLIENT_SPAN_ID + "-01");
		ReceiverContext<Map<String, String>> kafka = receiverContext(carrier);
		assertThat(this.handler.supportsContext(kafka)).isFalse();
		Observation.createNotStarted("kafka.receive", () -> kafka, this.registry).start().stop();
		SpanData span = onlySpanNamed("kafka.receive");
		assertThat(span.getTraceId()).isEqualTo(CLIENT_TRACE_ID);
		assertThat(span.getParentSpanId()).isEqualTo(CLIENT_SPAN_ID);
	}

	@Test
	void supportsGatewayContextsAndReceiversWhoseParentIsTheGatewayObservation() {
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		assertThat(this.handler.supportsContext(gateway.getObservation().getContext())).isTrue();
		ReceiverContext<Map<String, String>> child = receiverContext(Map.of());
		child.setParentObservation(gateway.getObservation());
		assertThat(this.handler.supportsContext(child)).isTrue();
		gateway.stop(200, null);
	}

	@Test
	void doesNotSupportUnrelatedContexts() {
		assertThat(this.handler.supportsContext(new Observation.Context())).isFalse();
		assertThat(this.handler.supportsContext(receiverContext(Map.of()))).isFalse();
		// A receiver nested in some other observation, e.g. a Kafka listener in a job.
		Observation other = Observation.start("job", this.registry);
		ReceiverContext<Map<String, String>> nested = receiverContext(Map.of());
		nested.setParentObservation(other);
		assertThat(this.handler.supportsContext(nested)).isFalse();
		other.stop();
		// A client call made while the gateway observation is current.
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		SenderContext<Map<String, String>> sender = new SenderContext<>(
				(carrier, key, value) -> carrier.put(key, value));
		sender.setParentObservation(gateway.getObservation());
		assertThat(this.handler.supportsContext(sender)).isFalse();
		Observation.Context plainChild = new Observation.Context();
		plainChild.setParentObservation(gateway.getObservation());
		assertThat(this.handler.supportsContext(plainChild)).isFalse();
		gateway.stop(200, null);
	}

	@Test
	void clientSpanInsideTheServerSpanIsUnchanged() {
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		ReceiverContext<Map<String, String>> serverContext = receiverContext(new HashMap<>());
		Observation server = Observation.createNotStarted("http.server.requests", () -> serverContext, this.registry)
			.contextualName("http get");
		try (Observation.Scope gatewayScope = gateway.openScope()) {
			server.start();
			try (Observation.Scope serverScope = server.openScope()) {
				Observation.createNotStarted("work", this.registry).start().stop();
			}
			server.stop();
		}
		gateway.stop(200, null);
		SpanData serverSpan = onlySpanNamed("http get");
		SpanData work = onlySpanNamed("work");
		assertThat(work.getParentSpanId()).isEqualTo(serverSpan.getSpanId());
	}

	@Test
	void serverErrorStatusMarksTheGatewaySpanAsErrorWithoutAnExceptionEvent() {
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		gateway.stop(503, null);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(span.getStatus().getDescription()).isEqualTo("HTTP 503");
		assertThat(span.getEvents()).isEmpty();
		assertThat(attribute(span, "http.status_code")).isEqualTo("503");
	}

	@Test
	void clientErrorStatusDoesNotMarkTheGatewaySpanAsError() {
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		gateway.stop(404, null);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
		assertThat(attribute(span, "http.status_code")).isEqualTo("404");
	}

	@Test
	void exceptionIsRecordedOnceWhenOnlyTheGatewayObservationReportsIt() {
		IllegalStateException failure = new IllegalStateException("boom");
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		gateway.stop(500, failure);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(exceptionEvents(span)).singleElement()
			.satisfies((event) -> assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.type")))
				.isEqualTo(IllegalStateException.class.getName()))
			.satisfies((event) -> assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.message")))
				.isEqualTo("boom"));
		assertThat(attribute(span, "http.status_code")).isEqualTo("500");
	}

	@Test
	void exceptionWhoseMessageThrowsStillEndsTheGatewaySpanAsAnError() {
		RuntimeException hostile = new RuntimeException() {

			@Override
			public String getMessage() {
				throw new IllegalStateException("no message for you");
			}

		};
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		gateway.stop(500, hostile);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
		assertThat(attribute(span, "http.status_code")).isEqualTo("500");
	}

	@Test
	void exceptionIsRecordedOnceWhenBothServerAndGatewayObservationsReportIt() {
		IllegalStateException failure = new IllegalStateException("boom");
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		runServerObservationInScope(gateway, new HashMap<>(), failure);
		gateway.stop(500, failure);
		SpanData gatewaySpan = onlySpanNamed("aws.apigateway");
		SpanData serverSpan = onlySpanNamed("http get");
		assertThat(exceptionEvents(gatewaySpan)).hasSize(1);
		assertThat(exceptionEvents(serverSpan)).hasSize(1);
		assertThat(gatewaySpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
	}

	@Test
	void exceptionSeenOnlyByTheServerObservationIsRecordedOnTheGatewaySpan() {
		// WebFlux: the adapter turns the exception into a 500 before the gateway sees it.
		IllegalArgumentException failure = new IllegalArgumentException("bad");
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		runServerObservationInScope(gateway, new HashMap<>(), failure);
		gateway.stop(500, null);
		SpanData gatewaySpan = onlySpanNamed("aws.apigateway");
		assertThat(exceptionEvents(gatewaySpan)).singleElement()
			.satisfies((event) -> assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.type")))
				.isEqualTo(IllegalArgumentException.class.getName()));
		assertThat(gatewaySpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
	}

	@Test
	void secondStopHasNoEffect() {
		GatewayObservation gateway = startGateway(GatewayHeaders.restApi(System.currentTimeMillis() - 10));
		gateway.stop(200, null);
		gateway.cancel(503);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(attribute(span, "http.status_code")).isEqualTo("200");
		assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
		assertThat(span.getEvents()).isEmpty();
	}

	@Test
	void clampedStartIsTheReceiptTimeAndTheSkewIsAnAttribute() {
		long now = System.currentTimeMillis();
		GatewayRequest request = GatewayRequest.builder(GatewaySystem.AWS_HTTPAPI, now, now)
			.clockSkewMillis(1500)
			.build();
		GatewayObservation gateway = new GatewayObservation(Observation
			.createNotStarted(new DefaultInferredProxyObservationConvention(),
					() -> new InferredProxyContext(request, (name) -> null, System.nanoTime()), this.registry)
			.start());
		gateway.stop(200, null);
		SpanData span = onlySpanNamed("aws.httpapi");
		assertThat(span.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(now));
		assertThat(span.getAttributes().get(AttributeKey.longKey("inferred_proxy.clock_skew_ms"))).isEqualTo(1500L);
	}

	@Test
	void withoutTheOpenTelemetryBridgeAServerErrorIsAnErrorTag() {
		SimpleTracer simpleTracer = new SimpleTracer();
		Propagator propagator = new ExtractNothingPropagator(simpleTracer);
		ObservationRegistry simpleRegistry = ObservationRegistry.create();
		simpleRegistry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new InferredProxyTracingObservationHandler(simpleTracer, propagator),
					new DefaultTracingObservationHandler(simpleTracer)));
		long gatewayTime = System.currentTimeMillis() - 20;
		GatewayObservation gateway = new InferredProxyObservations(simpleRegistry,
				new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false, TrustPolicy.none()), null,
				new DefaultInferredProxyObservationConvention(), List.of())
			.start(GatewayHeaders.lookup(GatewayHeaders.restApi(gatewayTime)), () -> null);
		gateway.stop(502, null);
		SimpleSpan span = simpleTracer.onlySpan();
		assertThat(span.getName()).isEqualTo("aws.apigateway");
		assertThat(span.getStartTimestamp().toEpochMilli()).isEqualTo(gatewayTime);
		assertThat(span.getTags()).containsEntry("error", "HTTP 502").containsEntry("http.status_code", "502");
		assertThat(span.getError()).isNull();
	}

	@Test
	void requestIdIsInTheMdcWhileAGatewayOrServerScopeIsOpenAndThePreviousValueComesBack() {
		GatewayObservation gateway = startGateway(withRequestId("gw-1"));
		MDC.put(GatewayRequestIdMdc.KEY, "before");
		try (Observation.Scope gatewayScope = gateway.openScope()) {
			assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("gw-1");
			Observation server = startServer(Map.of());
			try (Observation.Scope serverScope = server.openScope()) {
				assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("gw-1");
			}
			// The server scope restores what it found: the gateway scope's value.
			assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("gw-1");
			server.stop();
		}
		assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("before");
		MDC.remove(GatewayRequestIdMdc.KEY);
		gateway.stop(200, null);
	}

	@Test
	void scopesOfAnotherRequestOnTheSameThreadRestoreTheEnclosingRequestsId() {
		GatewayObservation first = startGateway(withRequestId("first"));
		try (Observation.Scope firstScope = first.openScope()) {
			GatewayObservation second = startGateway(withRequestId("second"));
			try (Observation.Scope secondScope = second.openScope()) {
				assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("second");
			}
			assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("first");
			second.stop(200, null);
		}
		assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isNull();
		first.stop(200, null);
	}

	@Test
	void serverScopeOpenedAloneOnAnotherThreadCarriesTheGatewaysRequestId() throws Exception {
		GatewayObservation gateway = startGateway(withRequestId("gw-2"));
		Observation server;
		try (Observation.Scope gatewayScope = gateway.openScope()) {
			server = startServer(Map.of());
		}
		assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isNull();
		// As Reactor restores the server observation after a thread hop.
		CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
			List<String> values = new ArrayList<>();
			try (Observation.Scope serverScope = server.openScope()) {
				values.add(MDC.get(GatewayRequestIdMdc.KEY));
			}
			values.add(String.valueOf(MDC.get(GatewayRequestIdMdc.KEY)));
			return values;
		});
		assertThat(seen.get(10, TimeUnit.SECONDS)).containsExactly("gw-2", "null");
		server.stop();
		gateway.stop(200, null);
	}

	@Test
	void resetOfTheScopesRemovesTheRequestId() {
		GatewayObservation gateway = startGateway(withRequestId("gw-3"));
		try (Observation.Scope gatewayScope = gateway.openScope()) {
			Observation server = startServer(Map.of());
			try (Observation.Scope serverScope = server.openScope()) {
				serverScope.reset();
				assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isNull();
				assertThat(this.tracer.currentSpan()).isNull();
			}
			server.stop();
		}
		assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isNull();
		gateway.stop(200, null);
	}

	@Test
	void withoutARequestIdTheMdcIsLeftAlone() {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 10);
		headers.remove("x-dd-proxy-request-id");
		GatewayObservation gateway = startGateway(headers);
		MDC.put(GatewayRequestIdMdc.KEY, "someone else's");
		try {
			try (Observation.Scope gatewayScope = gateway.openScope()) {
				assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("someone else's");
				gatewayScope.reset();
				assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("someone else's");
			}
			assertThat(MDC.get(GatewayRequestIdMdc.KEY)).isEqualTo("someone else's");
		}
		finally {
			MDC.remove(GatewayRequestIdMdc.KEY);
		}
		gateway.stop(200, null);
	}

	@Test
	void gatewaySpanCarriesTheRequestIdAndTheXrayRoot() {
		Map<String, String> headers = withRequestId("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
		headers.put("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
		startGateway(headers).stop(200, null);
		SpanData span = onlySpanNamed("aws.apigateway");
		assertThat(attribute(span, "request_id")).isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
		assertThat(attribute(span, "aws.request_id")).isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
		assertThat(attribute(span, "inferred_proxy.xray_trace_id")).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
	}

	private static Map<String, String> withRequestId(String requestId) {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 10);
		headers.put("x-dd-proxy-request-id", requestId);
		return headers;
	}

	/**
	 * Create and start a server observation, whose parent is the current observation.
	 */
	private Observation startServer(Map<String, String> carrier) {
		return Observation.createNotStarted("http.server.requests", () -> receiverContext(carrier), this.registry)
			.contextualName("http get")
			.start();
	}

	private GatewayObservation startGateway(Map<String, String> headers) {
		InferredProxyObservations observations = new InferredProxyObservations(this.registry,
				new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false, TrustPolicy.none()), null,
				new DefaultInferredProxyObservationConvention(), List.of());
		GatewayObservation observation = observations.start(GatewayHeaders.lookup(headers), () -> null);
		assertThat(observation).isNotNull();
		return observation;
	}

	/**
	 * Create, start and stop a server observation the way Spring's filter does, while the
	 * gateway observation's scope is open.
	 */
	private void runServerObservationInScope(GatewayObservation gateway, Map<String, String> carrier, Throwable error) {
		try (Observation.Scope scope = gateway.openScope()) {
			Observation server = Observation
				.createNotStarted("http.server.requests", () -> receiverContext(carrier), this.registry)
				.contextualName("http get")
				.start();
			try (Observation.Scope serverScope = server.openScope()) {
				assertThat(this.tracer.currentSpan()).isNotNull();
			}
			if (error != null) {
				server.error(error);
			}
			server.stop();
		}
	}

	private static ReceiverContext<Map<String, String>> receiverContext(Map<String, String> carrier) {
		ReceiverContext<Map<String, String>> context = new ReceiverContext<>((c, key) -> c.get(key), Kind.SERVER);
		context.setCarrier(carrier);
		return context;
	}

	private SpanData onlySpanNamed(String name) {
		List<SpanData> spans = this.exporter.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getName().equals(name))
			.toList();
		assertThat(spans).as("spans named %s among %s", name, this.exporter.getFinishedSpanItems()).hasSize(1);
		return spans.get(0);
	}

	/**
	 * Return an attribute as text, whatever its type.
	 */
	private static String attribute(SpanData span, String key) {
		return span.getAttributes()
			.asMap()
			.entrySet()
			.stream()
			.filter((entry) -> entry.getKey().getKey().equals(key))
			.map((entry) -> String.valueOf(entry.getValue()))
			.findFirst()
			.orElse(null);
	}

	private static List<EventData> exceptionEvents(SpanData span) {
		return span.getEvents().stream().filter((event) -> event.getName().equals("exception")).toList();
	}

	/**
	 * A propagator for the {@link SimpleTracer}, which has none: it finds no upstream
	 * context.
	 */
	private record ExtractNothingPropagator(SimpleTracer tracer) implements Propagator {

		@Override
		public List<String> fields() {
			return List.of();
		}

		@Override
		public <C> void inject(io.micrometer.tracing.TraceContext context, C carrier, Setter<C> setter) {
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			return this.tracer.spanBuilder();
		}

	}

}
