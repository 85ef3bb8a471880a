package io.github.inferredproxy.observation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.GatewaySystem;
import io.github.inferredproxy.gateway.RejectionReason;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.testsupport.GatewayArbitraries;
import io.github.inferredproxy.testsupport.GatewayArbitraries.Headers;
import io.github.inferredproxy.testsupport.GatewayArbitraries.Raw;
import io.github.inferredproxy.testsupport.RequestListeners;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import org.jspecify.annotations.Nullable;

/**
 * Property-based tests (jqwik) of the gateway span's attributes against the contract
 * (README.md, "What the gateway span carries"): whatever the header values, no attribute
 * or tag is longer than {@value GatewayHeaderParser#MAX_VALUE_LENGTH} characters,
 * composed values (the ARN, the URL, the resource name) included, none is blank or ends
 * in a blank, and on a real OpenTelemetry SDK every accepted request ends exactly one
 * gateway span in its time window.
 */
class InferredProxyObservationPropertyTests {

	private static final long NOW = 1_700_000_000_000L;

	/**
	 * How far inside the maximum age a request time must be to be accepted for sure,
	 * although the clock moves on between writing the header and parsing it.
	 */
	private static final long SLACK_MILLIS = 2_000;

	private static final List<Window> WINDOWS = List.of(new Window(300_000, 5_000), new Window(10_000, 0),
			new Window(3_600_000, 60_000), new Window(30_000, 1));

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

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final List<RejectionReason> rejections = new ArrayList<>();

	/**
	 * One instance per window, vocabulary and user switch, so that each warns once per
	 * reason rather than once per try.
	 */
	private final Map<String, InferredProxyObservations> observations = new HashMap<>();

	InferredProxyObservationPropertyTests() {
		// Boot's grouping, as in InferredProxyTracingObservationHandlerTests.
		this.registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new InferredProxyTracingObservationHandler(this.tracer, this.propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, this.propagator),
					new PropagatingSenderTracingObservationHandler<>(this.tracer, this.propagator),
					new DefaultTracingObservationHandler(this.tracer)));
	}

	@AfterProperty
	void closeTracerProvider() {
		this.tracerProvider.close();
	}

	/**
	 * For every request the parser may accept by its contract (each text trimmed,
	 * unquoted, without control characters, at most the cap and not ending in a blank),
	 * every meter tag and span attribute of the default convention, in each vocabulary,
	 * is at most the cap, not blank and does not end in a blank.
	 */
	@Property(tries = 500)
	void everyKeyValueIsBoundedAndNeverBlank(@ForAll("contractRequests") Request request,
			@ForAll("statuses") @Nullable Integer status, @ForAll boolean cancelled) {
		InferredProxyContext context = new InferredProxyContext(request.request(), (name) -> null, System.nanoTime());
		context.markStopped();
		context.setStatusCode(status);
		context.setCancelled(cancelled);
		for (AttributeVocabulary vocabulary : AttributeVocabulary.values()) {
			DefaultInferredProxyObservationConvention convention = new DefaultInferredProxyObservationConvention(
					vocabulary);
			check(!convention.getContextualName(context).isBlank(), () -> "a span name");
			for (KeyValue keyValue : convention.getLowCardinalityKeyValues(context)
				.and(convention.getHighCardinalityKeyValues(context))) {
				assertBoundedText(vocabulary + " " + keyValue.getKey(), keyValue.getValue(), true);
			}
		}
	}

	/**
	 * Through {@link InferredProxyObservations#start} and {@link GatewayObservation#stop}
	 * on a real OpenTelemetry SDK, for any gateway headers with a supported system and a
	 * time near the window: no failure, exactly one gateway span ended per accepted
	 * request (and one is accepted whenever its time is safely inside the window), every
	 * attribute at most the cap and not blank, the start within
	 * {@code [received - max age, received]} and the end not before it.
	 */
	@Property(tries = 200)
	void everyAcceptedRequestEndsOneBoundedGatewaySpanInTheWindow(@ForAll("windows") Window window,
			@ForAll AttributeVocabulary vocabulary, @ForAll boolean recordUser, @ForAll("systems") Raw system,
			@ForAll("offsets") long offsetMillis, @ForAll("optionalHeaders") Headers optional,
			@ForAll("statuses") @Nullable Integer status, @ForAll boolean cancelled, @ForAll boolean withError) {
		this.exporter.reset();
		this.rejections.clear();
		InferredProxyObservations observations = observations(window, vocabulary, recordUser);
		long before = System.currentTimeMillis();
		Headers headers = optional.with(GatewayHeaderParser.SYSTEM_HEADER, system.text())
			.with("x-dd-proxy-request-time-ms", Long.toString(before + offsetMillis));
		GatewayObservation observation = observations.start(headers.lookup(), () -> null);
		long after = System.currentTimeMillis();
		boolean safelyInside = offsetMillis <= window.toleranceMillis()
				&& offsetMillis >= -window.maxAgeMillis() + SLACK_MILLIS;
		if (observation == null) {
			check(!safelyInside, () -> "accepted at offset " + offsetMillis + ", rejected: " + this.rejections);
			check(this.rejections.size() == 1 && (this.rejections.get(0) == RejectionReason.REQUEST_TIME_TOO_OLD
					|| this.rejections.get(0) == RejectionReason.REQUEST_TIME_IN_FUTURE),
					() -> "rejected only for its time, got " + this.rejections);
			check(this.exporter.getFinishedSpanItems().isEmpty(), () -> "no span for a rejected request");
			return;
		}
		observation.stop(status, withError ? new IllegalStateException("boom") : null);
		check(this.rejections.isEmpty(), () -> "no failure, got " + this.rejections);
		List<SpanData> spans = this.exporter.getFinishedSpanItems();
		check(spans.size() == 1, () -> "exactly one span, got " + spans.size());
		SpanData span = spans.get(0);
		String spanName = GatewaySystem.fromValue(GatewayArbitraries.uncappedClean(system.text())).spanName();
		check(span.getName().equals(spanName), () -> "the gateway span " + spanName + ", got " + span.getName());
		span.getAttributes().forEach((key, value) -> {
			if (value instanceof String text) {
				assertBoundedText("attribute " + key.getKey(), text, false);
			}
		});
		long startMillis = TimeUnit.NANOSECONDS.toMillis(span.getStartEpochNanos());
		check(startMillis >= before - window.maxAgeMillis() && startMillis <= after,
				() -> "start " + startMillis + " within [" + (before - window.maxAgeMillis()) + ", " + after + "]");
		check(span.getEndEpochNanos() >= span.getStartEpochNanos(),
				() -> "a duration, never negative: " + (span.getEndEpochNanos() - span.getStartEpochNanos()) + " ns");
		check(this.tracer.currentSpan() == null && Context.current() == Context.root(), () -> "nothing left current");
	}

	private InferredProxyObservations observations(Window window, AttributeVocabulary vocabulary, boolean recordUser) {
		return this.observations.computeIfAbsent(window + " " + vocabulary + " " + recordUser,
				(key) -> new InferredProxyObservations(this.registry,
						new GatewayHeaderParser(Duration.ofMillis(window.maxAgeMillis()),
								Duration.ofMillis(window.toleranceMillis()), recordUser, TrustPolicy.none()),
						null, new DefaultInferredProxyObservationConvention(vocabulary),
						List.of(RequestListeners.rejectionsInto(this.rejections))));
	}

	/**
	 * A text written to a span or a meter: at most the cap, not blank, no control
	 * character and, when asked, no trailing blank (the cut of a composed value
	 * included).
	 */
	private static void assertBoundedText(String what, @Nullable String value, boolean noTrailingBlank) {
		Supplier<String> message = () -> what + " " + GatewayArbitraries.describe(value) + ": ";
		check(value != null, () -> message.get() + "a value");
		check(value.length() <= GatewayArbitraries.CAP, () -> message.get() + "longer than " + GatewayArbitraries.CAP);
		check(!value.isBlank(), () -> message.get() + "blank");
		check(GatewayArbitraries.indexOfControl(value) < 0, () -> message.get() + "holds a control character");
		if (noTrailingBlank) {
			check(!Character.isWhitespace(value.charAt(value.length() - 1)), () -> message.get() + "ends in a blank");
		}
	}

	private static void check(boolean condition, Supplier<String> message) {
		if (!condition) {
			throw new AssertionError(message.get());
		}
	}

	@Provide
	Arbitrary<Request> contractRequests() {
		Arbitrary<String> part = GatewayArbitraries.headerValue().map(GatewayArbitraries::contractValue);
		Arbitrary<long[]> times = Arbitraries.frequencyOf(
				Tuple.of(3, Arbitraries.longs().between(0, 300_000).map((transit) -> new long[] { NOW - transit, 0 })),
				Tuple.of(1, Arbitraries.longs().between(1, 5_000).map((skew) -> new long[] { NOW, skew })));
		return Combinators.combine(Arbitraries.of(GatewaySystem.class), times,
				// And the X-Ray trace id, any text that meets the contract.
				part.list().ofSize(GatewayArbitraries.OPTIONAL_HEADERS.size() + 1))
			.as((system, time,
					parts) -> new Request(GatewayRequest.builder(system, time[0], NOW)
						.clockSkewMillis(time[1])
						.domain(parts.get(0))
						.method(parts.get(1))
						.path(parts.get(2))
						.stage(parts.get(3))
						.resourcePath(parts.get(4))
						.accountId(parts.get(5))
						.apiId(parts.get(6))
						.region(parts.get(7))
						.user(parts.get(8))
						.requestId(parts.get(9))
						.xrayTraceId(parts.get(10))
						.build()));
	}

	@Provide
	Arbitrary<Integer> statuses() {
		return Arbitraries
			.frequencyOf(Tuple.of(6, Arbitraries.of(200, 201, 204, 301, 404, 429, 500, 503)),
					Tuple.of(2, Arbitraries.integers().between(100, 599)),
					Tuple.of(1, Arbitraries.of(-1, 0, 99, 600, 999, Integer.MAX_VALUE, Integer.MIN_VALUE)))
			.injectNull(0.1);
	}

	@Provide
	Arbitrary<Window> windows() {
		return Arbitraries.of(WINDOWS);
	}

	@Provide
	Arbitrary<Raw> systems() {
		return GatewayArbitraries.supportedSystem().map(Raw::new);
	}

	/**
	 * Offsets of the request time from the moment the header is written: mostly safely
	 * inside the widest window, some at or past the edges of the narrower ones.
	 */
	@Provide
	Arbitrary<Long> offsets() {
		List<Long> edges = new ArrayList<>();
		for (Window window : WINDOWS) {
			for (long delta = -1; delta <= 1; delta++) {
				edges.add(-window.maxAgeMillis() + delta);
				edges.add(window.toleranceMillis() + delta);
			}
		}
		return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.longs().between(-5_000, 0)),
				Tuple.of(2, Arbitraries.longs().between(-3_600_000 - 1_000, 60_000 + 1_000)),
				Tuple.of(1, Arbitraries.of(edges)));
	}

	@Provide
	Arbitrary<Headers> optionalHeaders() {
		return GatewayArbitraries.optionalHeaders();
	}

	/**
	 * The maximum age and the clock-skew tolerance of a parser.
	 */
	record Window(long maxAgeMillis, long toleranceMillis) {

	}

	/**
	 * A gateway request whose {@code toString()} stays short.
	 */
	record Request(GatewayRequest request) {

		@Override
		public String toString() {
			GatewayRequest r = this.request;
			return r.system() + " start=" + r.startEpochMillis() + " received=" + r.receivedEpochMillis() + " skew="
					+ r.clockSkewMillis() + " domain=" + GatewayArbitraries.describe(r.domain()) + " method="
					+ GatewayArbitraries.describe(r.method()) + " path=" + GatewayArbitraries.describe(r.path())
					+ " stage=" + GatewayArbitraries.describe(r.stage()) + " resourcePath="
					+ GatewayArbitraries.describe(r.resourcePath()) + " accountId="
					+ GatewayArbitraries.describe(r.accountId()) + " apiId=" + GatewayArbitraries.describe(r.apiId())
					+ " region=" + GatewayArbitraries.describe(r.region()) + " user="
					+ GatewayArbitraries.describe(r.user()) + " requestId=" + GatewayArbitraries.describe(r.requestId())
					+ " xrayTraceId=" + GatewayArbitraries.describe(r.xrayTraceId());
		}

	}

}
