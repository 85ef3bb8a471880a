package io.github.inferredproxy.sample;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs each finished trace as a tree: the spans of a trace are collected as they end and
 * printed when the trace's local root (the gateway span, or the server span of a request
 * without gateway headers) ends.
 *
 * <pre>
 * Trace 6a7c... (4 spans)
 *      start  duration  span
 *     0.0 ms  305.4 ms  aws.apigateway GET /orders/{id}/invoice  [200]
 *     1.2 ms  304.1 ms  \- http get /orders/{id}/invoice  [200]  (transit 1.2 ms)
 *     ...
 * </pre>
 *
 * @author Inferred Proxy contributors
 */
class TraceTreePrinter implements SpanProcessor {

	private static final Log logger = LogFactory.getLog(TraceTreePrinter.class);

	// Spans that end after their local root (a fire-and-forget task) would stay here.
	private static final int MAX_PENDING_TRACES = 1000;

	private static final List<AttributeKey<?>> STATUS_KEYS = List.of(AttributeKey.longKey("http.response.status_code"),
			AttributeKey.stringKey("http.status_code"), AttributeKey.stringKey("status"));

	private final Map<String, List<SpanData>> pending = new ConcurrentHashMap<>();

	@Override
	public void onStart(Context parentContext, ReadWriteSpan span) {
	}

	@Override
	public boolean isStartRequired() {
		return false;
	}

	@Override
	public void onEnd(ReadableSpan span) {
		SpanData data = span.toSpanData();
		if (this.pending.size() >= MAX_PENDING_TRACES) {
			this.pending.clear();
		}
		List<SpanData> spans = this.pending.computeIfAbsent(data.getTraceId(), (id) -> new ArrayList<>());
		synchronized (spans) {
			spans.add(data);
		}
		boolean localRoot = !data.getParentSpanContext().isValid() || data.getParentSpanContext().isRemote();
		if (localRoot && this.pending.remove(data.getTraceId()) != null && logger.isInfoEnabled()) {
			synchronized (spans) {
				logger.info(format(data, spans));
			}
		}
	}

	@Override
	public boolean isEndRequired() {
		return true;
	}

	static String format(SpanData root, List<SpanData> spans) {
		StringBuilder out = new StringBuilder("Trace ").append(root.getTraceId())
			.append(" (")
			.append(spans.size())
			.append((spans.size() == 1) ? " span" : " spans")
			.append(')');
		if (root.getParentSpanContext().isRemote()) {
			out.append(", continues upstream span ").append(root.getParentSpanId());
		}
		out.append('\n').append("%9s  %9s  span".formatted("start", "duration"));
		appendSpan(out, root, null, root.getStartEpochNanos(), spans, "", "");
		return out.toString();
	}

	private static void appendSpan(StringBuilder out, SpanData span, SpanData parent, long traceStart,
			List<SpanData> spans, String prefix, String childPrefix) {
		out.append('\n')
			.append("%9s  %9s  ".formatted(millis(span.getStartEpochNanos() - traceStart),
					millis(span.getEndEpochNanos() - span.getStartEpochNanos())))
			.append(prefix)
			.append(span.getName());
		String resource = span.getAttributes().get(AttributeKey.stringKey("resource.name"));
		if (resource != null && !resource.equals(span.getName())) {
			out.append(' ').append(resource);
		}
		Object status = status(span);
		if (status != null) {
			out.append("  [").append(status).append(']');
		}
		if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
			out.append("  ERROR");
		}
		// The time between the gateway receiving the request and the application
		// receiving it: a server span whose parent is a server span.
		if (parent != null && parent.getKind() == SpanKind.SERVER && span.getKind() == SpanKind.SERVER) {
			out.append("  (transit ")
				.append(millis(span.getStartEpochNanos() - parent.getStartEpochNanos()))
				.append(" before the application)");
		}
		List<SpanData> children = spans.stream()
			.filter((candidate) -> candidate.getParentSpanId().equals(span.getSpanId()))
			.sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
			.toList();
		for (int i = 0; i < children.size(); i++) {
			boolean last = i == children.size() - 1;
			appendSpan(out, children.get(i), span, traceStart, spans, childPrefix + (last ? "\\- " : "+- "),
					childPrefix + (last ? "   " : "|  "));
		}
	}

	private static Object status(SpanData span) {
		for (AttributeKey<?> key : STATUS_KEYS) {
			Object value = span.getAttributes().get(key);
			if (value != null) {
				return value;
			}
		}
		return null;
	}

	private static String millis(long nanos) {
		return "%.1f ms".formatted(nanos / (double) TimeUnit.MILLISECONDS.toNanos(1));
	}

}
