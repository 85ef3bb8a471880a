package io.github.inferredproxy.compat.brave;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.TraceContext;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Records the spans Brave itself starts and finishes. Each finished span is copied as
 * this handler sees it, so that a handler ordered before it (Boot's
 * {@code CompositeSpanHandler} and its span filters) has had its say, as it has for a
 * Zipkin reporter.
 */
final class BraveSpans extends SpanHandler {

	private final Queue<Started> started = new ConcurrentLinkedQueue<>();

	private final Queue<MutableSpan> ended = new ConcurrentLinkedQueue<>();

	@Override
	public boolean begin(TraceContext context, MutableSpan span, TraceContext parent) {
		this.started.add(new Started(context.traceIdString(), context.spanIdString()));
		return true;
	}

	@Override
	public boolean end(TraceContext context, MutableSpan span, Cause cause) {
		// Only finished spans: one that was abandoned, or left open and then orphaned or
		// flushed, shows as started and not ended.
		if (cause == Cause.FINISHED) {
			this.ended.add(new MutableSpan(span));
		}
		return true;
	}

	/**
	 * Wait, at most 10 seconds, until a span matching the predicate has ended.
	 * @param description what is awaited, for the failure message
	 * @param predicate the span to wait for
	 * @return the first matching span
	 */
	MutableSpan await(String description, Predicate<MutableSpan> predicate) {
		try {
			return Awaitility.await(description)
				.atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> this.ended.stream().filter(predicate).findFirst(), Optional::isPresent)
				.get();
		}
		catch (ConditionTimeoutException ex) {
			throw new AssertionError("No " + description + " ended within 10 s; ended: " + this.ended, ex);
		}
	}

	/**
	 * Return the spans of a trace that have ended so far.
	 * @param traceId the trace id
	 * @return the spans
	 */
	List<MutableSpan> endedInTrace(String traceId) {
		return this.ended.stream().filter((span) -> traceId.equals(span.traceId())).toList();
	}

	/**
	 * Return the ids of the spans of a trace that have started so far, ended or not.
	 * @param traceId the trace id
	 * @return the span ids
	 */
	List<String> startedInTrace(String traceId) {
		return this.started.stream().filter((span) -> span.traceId().equals(traceId)).map(Started::spanId).toList();
	}

	private record Started(String traceId, String spanId) {
	}

}
