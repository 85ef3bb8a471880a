package io.github.inferredproxy.test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.jspecify.annotations.Nullable;

/**
 * The spans the OpenTelemetry SDK ended during a test, each recorded once, when it ended.
 * Inject it in a test annotated with {@link AutoConfigureGatewaySpans}, which registers
 * it (without the annotation, there is no such bean). Tests that share a cached
 * application context share its recorder: find a request's spans by
 * {@link #await(GatewayHeaders)}, which looks at that request's trace only.
 * <p>
 * {@link #await(GatewayHeaders)} waits, at most 10 seconds and never longer than it must,
 * until the request sent with those headers is complete in the recorder: over real HTTP a
 * response can arrive before its spans have ended.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewaySpans {

	private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final Queue<SpanData> spans = new ConcurrentLinkedQueue<>();

	private final SpanProcessor processor = new RecordingProcessor();

	/**
	 * Wait until the spans of the request sent with these headers have ended: the gateway
	 * span and its server span, or the server span alone when the request got no gateway
	 * span.
	 * @param headers the headers the request was sent with
	 * @return the request's spans
	 * @throws AssertionError when they have not ended within 10 seconds, or a span was
	 * recorded twice
	 */
	public GatewayTrace await(GatewayHeaders headers) {
		return await(headers, DEFAULT_TIMEOUT);
	}

	/**
	 * Wait until the spans of the request sent with these headers have ended.
	 * @param headers the headers the request was sent with
	 * @param timeout how long to wait at most
	 * @return the request's spans
	 * @throws AssertionError when they have not ended in time, or a span was recorded
	 * twice
	 */
	public GatewayTrace await(GatewayHeaders headers, Duration timeout) {
		if (!headers.carriesUpstreamTrace()) {
			throw new AssertionError("The headers carry no upstream trace (traceparent or b3), by which the request's "
					+ "spans are found: keep the one GatewayHeaders adds, or use withB3(). " + headers);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			List<SpanData> trace = inTrace(headers.traceId());
			GatewayTrace complete = complete(trace, headers);
			if (complete != null) {
				return complete;
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("The request with upstream trace " + headers.traceId() + " did not end within "
						+ timeout + ": no server span below its upstream span " + headers.upstreamSpanId()
						+ " ended. Recorded in that trace: " + describe(trace) + "; in all, " + this.spans.size()
						+ " spans. Were the headers sent with the request, and is the trace header propagated "
						+ "(management.tracing.propagation.type, w3c and b3 with @AutoConfigureGatewaySpans)?");
			}
			try {
				TimeUnit.MILLISECONDS.sleep(5);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted while waiting for the spans of trace " + headers.traceId(), ex);
			}
		}
	}

	/**
	 * Return the spans ended so far, in the order they ended.
	 * @return the spans
	 */
	public List<SpanData> all() {
		return List.copyOf(this.spans);
	}

	/**
	 * Forget the spans recorded so far.
	 */
	public void clear() {
		this.spans.clear();
	}

	/**
	 * Return the span processor that feeds this recorder.
	 * @return the processor
	 */
	SpanProcessor spanProcessor() {
		return this.processor;
	}

	private List<SpanData> inTrace(String traceId) {
		return this.spans.stream().filter((span) -> span.getTraceId().equals(traceId)).toList();
	}

	/**
	 * The request is complete once a server span directly below the upstream span has
	 * ended: the gateway span ends last, after its server span; without a gateway span,
	 * the server span is the one below the upstream span.
	 * @param trace the spans of the trace so far
	 * @param headers the request's headers
	 * @return the trace, or {@code null} while the request is not complete
	 */
	private static @Nullable GatewayTrace complete(List<SpanData> trace, GatewayHeaders headers) {
		Set<String> ids = new HashSet<>();
		for (SpanData span : trace) {
			if (!ids.add(span.getSpanId())) {
				throw new AssertionError("Span " + span.getName() + " " + span.getSpanId()
						+ " was recorded twice: is a span exporter bean also exporting to the recorder? Recorded: "
						+ describe(trace));
			}
		}
		List<SpanData> belowUpstream = trace.stream()
			.filter((span) -> span.getKind() == SpanKind.SERVER
					&& span.getParentSpanId().equals(headers.upstreamSpanId()))
			.toList();
		if (belowUpstream.isEmpty()) {
			return null;
		}
		SpanData gateway = belowUpstream.stream()
			.filter((span) -> isGatewaySpan(span) || serverChild(trace, span) != null)
			.findFirst()
			.orElse(null);
		if (gateway == null) {
			return new GatewayTrace(headers, null, belowUpstream.get(0), trace);
		}
		SpanData server = serverChild(trace, gateway);
		if (server == null) {
			// A server span beside the gateway span rather than below it, if any.
			server = belowUpstream.stream().filter((span) -> span != gateway).findFirst().orElse(null);
		}
		return new GatewayTrace(headers, gateway, server, trace);
	}

	private static @Nullable SpanData serverChild(List<SpanData> trace, SpanData parent) {
		return trace.stream()
			.filter((span) -> span.getKind() == SpanKind.SERVER && span.getParentSpanId().equals(parent.getSpanId()))
			.findFirst()
			.orElse(null);
	}

	private static boolean isGatewaySpan(SpanData span) {
		return span.getName().equals("aws.apigateway") || span.getName().equals("aws.httpapi")
				|| span.getName().equals("azure.apim");
	}

	static String describe(List<SpanData> spans) {
		if (spans.isEmpty()) {
			return "no span";
		}
		return spans.stream().map(GatewaySpans::describe).collect(Collectors.joining(", ", "[", "]"));
	}

	static String describe(SpanData span) {
		return span.getName() + " (" + span.getKind() + ", id " + span.getSpanId() + ", parent "
				+ span.getParentSpanId() + ", start " + TimeUnit.NANOSECONDS.toMillis(span.getStartEpochNanos())
				+ " ms, status " + span.getStatus().getStatusCode() + ")";
	}

	private final class RecordingProcessor implements SpanProcessor {

		@Override
		public void onStart(Context parentContext, ReadWriteSpan span) {
		}

		@Override
		public boolean isStartRequired() {
			return false;
		}

		@Override
		public void onEnd(ReadableSpan span) {
			GatewaySpans.this.spans.add(span.toSpanData());
		}

		@Override
		public boolean isEndRequired() {
			return true;
		}

	}

}
