package io.github.inferredproxy.observation;

import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.HighCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.CurrentTraceContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * Creates the gateway span and makes it the parent of the server span.
 * <p>
 * The gateway span starts at the gateway's receive time and continues the trace that the
 * request headers carry, if any. The server span ({@code http.server.requests}) is
 * created while the gateway observation is current, but Micrometer's receiver handler
 * would take its parent from the request headers, which makes it a sibling of the gateway
 * span whenever the request has a {@code traceparent}. This handler, ordered before
 * Boot's receiver handler, therefore also handles a receiver observation whose parent is
 * the gateway observation, and parents its span on the gateway span. Everything else is
 * left to the other handlers.
 * <p>
 * While a scope of either observation is open, the gateway's request id is in the logging
 * MDC ({@link GatewayRequestIdMdc}), when SLF4J is on the class path.
 *
 * @author Inferred Proxy contributors
 */
public class InferredProxyTracingObservationHandler implements TracingObservationHandler<ReceiverContext<?>> {

	private static final boolean OTEL_BRIDGE_PRESENT = ClassUtils.isPresent(
			"io.micrometer.tracing.otel.bridge.OtelSpan",
			InferredProxyTracingObservationHandler.class.getClassLoader());

	private static final boolean SLF4J_PRESENT = ClassUtils.isPresent("org.slf4j.MDC",
			InferredProxyTracingObservationHandler.class.getClassLoader());

	private static final Set<String> NUMERIC_KEYS = Set.of(HighCardinalityKeyNames.HTTP_RESPONSE_STATUS_CODE.asString(),
			HighCardinalityKeyNames.INFERRED_SPAN.asString(), HighCardinalityKeyNames.CLOCK_SKEW.asString());

	private final Tracer tracer;

	private final GatewayAwareReceiverHandler receiverHandler;

	/**
	 * Create a handler.
	 * @param tracer the tracer
	 * @param propagator extracts an upstream trace context from the request headers
	 */
	public InferredProxyTracingObservationHandler(Tracer tracer, Propagator propagator) {
		this.tracer = tracer;
		this.receiverHandler = new GatewayAwareReceiverHandler(tracer, propagator);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof InferredProxyContext || gatewayParent(context) != null;
	}

	@Override
	public void onStart(ReceiverContext<?> context) {
		this.receiverHandler.onStart(context);
	}

	@Override
	public void onError(ReceiverContext<?> context) {
		if (context instanceof InferredProxyContext) {
			// Recorded once when the span ends: the same exception may also arrive from
			// the
			// server observation.
			return;
		}
		this.receiverHandler.onError(context);
	}

	@Override
	public void onStop(ReceiverContext<?> context) {
		this.receiverHandler.onStop(context);
	}

	/**
	 * Open the tracing scope, then put the gateway's request id in the MDC until that
	 * scope closes: the MDC entry follows the same scopes as Micrometer Tracing's
	 * {@code traceId}, on the request thread, on an async dispatch and wherever Reactor
	 * restores the observation after a thread hop.
	 */
	@Override
	public void onScopeOpened(ReceiverContext<?> context) {
		TracingObservationHandler.super.onScopeOpened(context);
		String requestId = SLF4J_PRESENT ? requestId(context) : null;
		if (requestId == null) {
			return;
		}
		TracingContext tracingContext = getTracingContext(context);
		CurrentTraceContext.Scope scope = tracingContext.getScope();
		if (scope != null) {
			// The default onScopeClosed and onScopeReset close the scope the tracing
			// context keeps for this thread: this one, which gives the MDC key back the
			// value it had before. Removing the key instead would lose the enclosing
			// scope's value (the gateway's around the server's, another request's).
			tracingContext.setScope(GatewayRequestIdMdc.open(requestId, scope));
		}
	}

	@Override
	public void onScopeReset(ReceiverContext<?> context) {
		TracingObservationHandler.super.onScopeReset(context);
		if (SLF4J_PRESENT && requestId(context) != null) {
			GatewayRequestIdMdc.reset();
		}
	}

	private static @Nullable String requestId(ReceiverContext<?> context) {
		InferredProxyContext gateway = (context instanceof InferredProxyContext self) ? self : gatewayParent(context);
		return (gateway != null) ? gateway.getGatewayRequest().requestId() : null;
	}

	@Override
	public Tracer getTracer() {
		return this.tracer;
	}

	static @Nullable InferredProxyContext gatewayParent(Observation.Context context) {
		return InferredProxyServerObservationHandler.gatewayParent(context);
	}

	/**
	 * Micrometer's receiver handler with the gateway's start time and the gateway span as
	 * the server span's parent. Private, so that it never replaces Boot's own receiver
	 * handler bean, which messaging and gRPC receivers need.
	 */
	private static final class GatewayAwareReceiverHandler
			extends PropagatingReceiverTracingObservationHandler<ReceiverContext<?>> {

		GatewayAwareReceiverHandler(Tracer tracer, Propagator propagator) {
			super(tracer, propagator);
		}

		@Override
		public Span.Builder customizeExtractedSpan(ReceiverContext<?> context, Span.Builder builder) {
			if (context instanceof InferredProxyContext gateway) {
				return builder.name(getSpanName(gateway))
					.startTimestamp(gateway.getGatewayRequest().startEpochMillis(), TimeUnit.MILLISECONDS);
			}
			InferredProxyContext gateway = gatewayParent(context);
			Span gatewaySpan = (gateway != null) ? getTracingContext(gateway).getSpan() : null;
			return (gatewaySpan != null) ? builder.setParent(gatewaySpan.context()) : builder;
		}

		@Override
		public void tagSpan(ReceiverContext<?> context, Span span) {
			if (!(context instanceof InferredProxyContext)) {
				super.tagSpan(context, span);
				return;
			}
			// Low-cardinality keys are meter tags (route=UNKNOWN, outcome, ...); the span
			// carries only the attributes of the high-cardinality keys.
			for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
				tagTyped(span, keyValue);
			}
		}

		/**
		 * Key values are strings; the keys that OpenTelemetry's semantic conventions and
		 * Datadog define as numbers are written as numbers. Datadog's
		 * {@code http.status_code} stays a string, as Datadog's tracers write it.
		 * @param span the gateway span
		 * @param keyValue the key value
		 */
		private static void tagTyped(Span span, KeyValue keyValue) {
			String key = keyValue.getKey();
			if (NUMERIC_KEYS.contains(key)) {
				try {
					span.tag(key, Long.parseLong(keyValue.getValue()));
					return;
				}
				catch (NumberFormatException ex) {
					// A custom convention's value: keep it as text.
				}
			}
			span.tag(key, keyValue.getValue());
		}

		@Override
		public void customizeReceiverSpan(ReceiverContext<?> context, Span span) {
			// A client that went away is not an error, whatever exception it caused.
			if (!(context instanceof InferredProxyContext gateway) || gateway.isCancelled()) {
				return;
			}
			Throwable error = gateway.getError();
			Integer status = gateway.getStatusCode();
			// A 4xx is the client's fault, never a gateway error, even when the framework
			// rendered it from an exception (WebFlux's NoResourceFoundException for a
			// 404,
			// ResponseStatusException, ...) that the server observation hands on.
			boolean clientError = status != null && status >= 400 && status <= 499;
			if (error != null && !clientError) {
				recordError(span, error);
			}
			else if (status != null && status >= 500 && status <= 599) {
				markServerError(span, status);
			}
		}

		/**
		 * Record the application's exception; one whose {@code getMessage()} or
		 * {@code toString()} throws must not keep the span from ending.
		 * @param span the gateway span
		 * @param error the application's exception
		 */
		private static void recordError(Span span, Throwable error) {
			try {
				span.error(error);
			}
			catch (RuntimeException ex) {
				markServerError(span, error.getClass().getName());
			}
		}

		private static void markServerError(Span span, int status) {
			markServerError(span, "HTTP " + status);
		}

		private static void markServerError(Span span, String description) {
			if (OTEL_BRIDGE_PRESENT && OpenTelemetryStatus.setError(span, description)) {
				return;
			}
			// Brave and Zipkin mark a span as failed by its "error" tag.
			span.tag("error", description);
		}

	}

	/**
	 * Sets an OpenTelemetry span's status without recording a fake exception; separate so
	 * that the OpenTelemetry classes are loaded only when present.
	 */
	private static final class OpenTelemetryStatus {

		static boolean setError(Span span, String description) {
			if (span instanceof io.micrometer.tracing.otel.bridge.OtelSpan) {
				io.micrometer.tracing.otel.bridge.OtelSpan.toOtel(span)
					.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, description);
				return true;
			}
			return false;
		}

	}

}
