package io.github.inferredproxy.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.observation.AttributeVocabulary;
import io.github.inferredproxy.observation.DefaultInferredProxyObservationConvention;
import io.github.inferredproxy.observation.InferredProxyMeterObservationHandler;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.github.inferredproxy.observation.InferredProxyRejectionCounter;
import io.github.inferredproxy.observation.InferredProxyRequestListener;
import io.github.inferredproxy.observation.InferredProxyServerObservationHandler;
import io.github.inferredproxy.observation.InferredProxyTracingObservationHandler;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelBaggageManager;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.jspecify.annotations.Nullable;

/**
 * A real OpenTelemetry SDK behind Micrometer Tracing's OpenTelemetry bridge, and an
 * {@link ObservationRegistry} whose handlers are grouped as Spring Boot groups them: the
 * tracing handlers in one first-matching composite (the starter's handler before
 * Micrometer's receiver, sender and default handlers), and, with metrics, the meter
 * handlers in another (the starter's before Boot's tracing-aware default).
 * <p>
 * The SDK samples every trace and has no span processor, so nothing is exported and the
 * benchmarks measure span creation, not I/O. A recording fixture instead keeps the spans
 * in memory, to check that a benchmark builds the span tree it claims to measure.
 *
 * @author Inferred Proxy contributors
 */
final class TracingFixture {

	/**
	 * Handler sets, as a JMH parameter value.
	 */
	static final String TRACING = "tracing";

	static final String TRACING_AND_METRICS = "tracing+metrics";

	final Tracer otelTracer;

	final OtelTracer tracer;

	final ObservationRegistry registry;

	final InferredProxyObservations observations;

	final @Nullable InMemorySpanExporter exporter;

	/**
	 * The gateway span's attributes, as the starter wrote them in a recorded run: keys
	 * and values (a {@code String} or a {@code Long}), for {@link #attributedSpan}.
	 */
	private String[] gatewayKeys = new String[0];

	private Object[] gatewayValues = new Object[0];

	private TracingFixture(String handlers, String vocabulary, boolean record) {
		this.exporter = record ? InMemorySpanExporter.create() : null;
		var providerBuilder = SdkTracerProvider.builder()
			// Spring Boot's sampler, at management.tracing.sampling.probability=1.0.
			.setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(1.0)));
		if (this.exporter != null) {
			providerBuilder.addSpanProcessor(SimpleSpanProcessor.create(this.exporter));
		}
		SdkTracerProvider provider = providerBuilder.build();
		this.otelTracer = provider.get("benchmarks");
		OtelCurrentTraceContext currentTraceContext = new OtelCurrentTraceContext();
		this.tracer = new OtelTracer(this.otelTracer, currentTraceContext, (event) -> {
		}, new OtelBaggageManager(currentTraceContext, List.of(), List.of()));
		// Spring Boot's default propagation: W3C trace context and W3C baggage.
		OtelPropagator propagator = new OtelPropagator(ContextPropagators.create(TextMapPropagator
			.composite(W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())), this.otelTracer);
		this.registry = ObservationRegistry.create();
		this.registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(
					new InferredProxyTracingObservationHandler(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)))
			.observationHandler(new InferredProxyServerObservationHandler());
		List<InferredProxyRequestListener> listeners = List.of();
		if (TRACING_AND_METRICS.equals(handlers)) {
			SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
			this.registry.observationConfig()
				.observationHandler(new FirstMatchingCompositeObservationHandler(
						new InferredProxyMeterObservationHandler(meterRegistry),
						new TracingAwareMeterObservationHandler<>(new DefaultMeterObservationHandler(meterRegistry),
								this.tracer)));
			listeners = List.of(new InferredProxyRejectionCounter(meterRegistry));
		}
		else if (!TRACING.equals(handlers)) {
			throw new IllegalArgumentException("Unknown handlers: " + handlers);
		}
		// Defaults of InferredProxyProperties, except that x-dd-proxy-user is read too,
		// so
		// that a "full header set" is the worst case.
		GatewayHeaderParser parser = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), true,
				TrustPolicy.none());
		this.observations = new InferredProxyObservations(this.registry, parser, null,
				new DefaultInferredProxyObservationConvention(
						AttributeVocabulary.valueOf(vocabulary.toUpperCase(Locale.ROOT))),
				listeners);
	}

	/**
	 * Create a fixture that records nothing.
	 * @param handlers {@link #TRACING} or {@link #TRACING_AND_METRICS}
	 * @param vocabulary the gateway span's attribute vocabulary, as
	 * {@code inferred-proxy.attribute-vocabulary} names it
	 * @return the fixture
	 */
	static TracingFixture create(String handlers, String vocabulary) {
		return new TracingFixture(handlers, vocabulary, false);
	}

	static TracingFixture recording(String handlers, String vocabulary) {
		return new TracingFixture(handlers, vocabulary, true);
	}

	/**
	 * Make {@link #attributedSpan} set the attributes of a gateway span that the starter
	 * built, with their types: the floor then has exactly the attributes the benchmarked
	 * gateway span has, whatever the vocabulary.
	 * @param gatewaySpan a recorded gateway span
	 */
	void useAttributesOf(SpanData gatewaySpan) {
		List<String> keys = new ArrayList<>();
		List<Object> values = new ArrayList<>();
		gatewaySpan.getAttributes().forEach((key, value) -> {
			if (!(value instanceof String) && !(value instanceof Long)) {
				throw new IllegalStateException("Unexpected attribute type: " + key + "=" + value);
			}
			keys.add(key.getKey());
			values.add(value);
		});
		this.gatewayKeys = keys.toArray(new String[0]);
		this.gatewayValues = values.toArray();
	}

	/**
	 * Start and end one span on the same SDK: the floor any span costs.
	 */
	void bareSpan() {
		this.otelTracer.spanBuilder("bare").startSpan().end();
	}

	/**
	 * Start and end one span with the benchmarked gateway span's attributes
	 * ({@link #useAttributesOf}), set by name as Micrometer's bridge sets them, and its
	 * start time, on the same SDK: what the span alone costs, without the Observation
	 * API.
	 * @param startEpochMillis the gateway receive time
	 */
	void attributedSpan(long startEpochMillis) {
		if (this.gatewayKeys.length == 0) {
			throw new IllegalStateException("No gateway span attributes: call useAttributesOf first");
		}
		var span = this.otelTracer.spanBuilder("aws.apigateway")
			.setSpanKind(SpanKind.SERVER)
			.setStartTimestamp(startEpochMillis, TimeUnit.MILLISECONDS)
			.startSpan();
		for (int i = 0; i < this.gatewayKeys.length; i++) {
			if (this.gatewayValues[i] instanceof Long number) {
				span.setAttribute(this.gatewayKeys[i], number);
			}
			else {
				span.setAttribute(this.gatewayKeys[i], (String) this.gatewayValues[i]);
			}
		}
		span.end();
	}

	/**
	 * Check the spans that one benchmark operation produced, and forget them.
	 * @param description what the operation was, for the failure message
	 * @param expectGateway whether a gateway span is expected
	 * @return the gateway span, or {@code null} when none was expected
	 */
	@Nullable SpanData verify(String description, boolean expectGateway) {
		InMemorySpanExporter exporter = this.exporter;
		if (exporter == null) {
			throw new IllegalStateException("Not a recording fixture");
		}
		var spans = exporter.getFinishedSpanItems();
		try {
			var server = spans.stream().filter((span) -> span.getName().startsWith("http ")).toList();
			var gateway = spans.stream().filter((span) -> span.getName().equals("aws.apigateway")).toList();
			if (server.size() != 1 || gateway.size() != (expectGateway ? 1 : 0)
					|| spans.size() != server.size() + gateway.size()) {
				throw new IllegalStateException(description + ": unexpected spans " + spans);
			}
			if (expectGateway && !server.get(0).getParentSpanId().equals(gateway.get(0).getSpanId())) {
				throw new IllegalStateException(
						description + ": the server span is not the gateway span's child " + spans);
			}
			return expectGateway ? gateway.get(0) : null;
		}
		finally {
			exporter.reset();
		}
	}

}
