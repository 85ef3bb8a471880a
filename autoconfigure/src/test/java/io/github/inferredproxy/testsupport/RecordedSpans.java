package io.github.inferredproxy.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Records the spans that the OpenTelemetry SDK ends, for assertions. The exporter is
 * deliberately not a {@code SpanExporter} bean, or Boot would export every span twice.
 */
public final class RecordedSpans {

	/**
	 * The {@code uri} attribute of a server span: the application's route template.
	 */
	public static final AttributeKey<String> URI = AttributeKey.stringKey("uri");

	private static final AttributeKey<String> STAGE = AttributeKey.stringKey("stage");

	private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

	/**
	 * Spans started and not ended yet: a previous test's gateway span ends after its
	 * response arrived, so it may still be open when the next test resets.
	 */
	private final AtomicInteger open = new AtomicInteger();

	/**
	 * Return a text attribute of a span.
	 * @param span the span
	 * @param key the attribute key
	 * @return the value, or {@code null} when the span has no such text attribute
	 */
	public static @Nullable String attribute(SpanData span, String key) {
		return span.getAttributes().get(AttributeKey.stringKey(key));
	}

	/**
	 * Return the spans ended so far.
	 * @return the spans
	 */
	public List<SpanData> all() {
		return this.exporter.getFinishedSpanItems();
	}

	/**
	 * Forget the spans recorded so far, once the spans of earlier requests have ended (at
	 * most 10 seconds), so that none of them ends after the reset and passes for a span
	 * of the next request.
	 */
	public void reset() {
		try {
			Awaitility.await("spans of earlier requests ended")
				.atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(10))
				.until(() -> this.open.get() <= 0);
		}
		catch (ConditionTimeoutException ex) {
			// A request a test left hanging on purpose: forget what ended so far anyway.
		}
		this.exporter.reset();
	}

	/**
	 * Wait, at most 10 seconds, until a span matching the predicate has ended.
	 * @param description what is awaited, for the failure message
	 * @param predicate the span to wait for
	 * @return the first matching span
	 */
	public SpanData await(String description, Predicate<SpanData> predicate) {
		return Awaitility.await(description)
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> all().stream().filter(predicate).findFirst(), Optional::isPresent)
			.get();
	}

	/**
	 * Wait until the span named {@code name} has ended.
	 * @param name the span name
	 * @return the span
	 */
	public SpanData awaitNamed(String name) {
		return await("span " + name, (span) -> span.getName().equals(name));
	}

	/**
	 * Wait until the server span ({@code http.server.requests}, named after the method
	 * and route) whose {@code uri} tag is {@code uri} has ended.
	 * @param uri the {@code uri} tag, the route template of the application
	 * @return the span
	 */
	public SpanData awaitServerSpan(String uri) {
		return await("server span of " + uri, (span) -> uri.equals(span.getAttributes().get(URI)));
	}

	/**
	 * Wait until the gateway span of the request sent with
	 * {@link GatewayHeaders#restApi(long, String)} has ended.
	 * @param requestId the request id
	 * @return the gateway span
	 */
	public SpanData awaitGatewaySpan(String requestId) {
		String path = GatewayHeaders.gatewayPath(requestId);
		return await("gateway span of " + requestId,
				(span) -> path.equals(span.getAttributes().get(AttributeKey.stringKey("url.path"))));
	}

	/**
	 * Wait until the gateway span whose {@code stage} attribute is {@code stage} has
	 * ended: tests that need one request told apart give it a stage of its own.
	 * @param stage the stage
	 * @return the gateway span
	 */
	public SpanData awaitGatewaySpanOfStage(String stage) {
		return await("gateway span of stage " + stage, (span) -> stage.equals(span.getAttributes().get(STAGE)));
	}

	/**
	 * Wait until a child of the given span has ended.
	 * @param parent the parent span
	 * @return the first child
	 */
	public SpanData awaitChildOf(SpanData parent) {
		return await("child of " + parent.getName() + " " + parent.getSpanId(),
				(span) -> span.getParentSpanId().equals(parent.getSpanId())
						&& span.getTraceId().equals(parent.getTraceId()));
	}

	/**
	 * Return the spans of a trace that have ended so far.
	 * @param traceId the trace id
	 * @return the spans
	 */
	public List<SpanData> inTrace(String traceId) {
		return all().stream().filter((span) -> span.getTraceId().equals(traceId)).toList();
	}

	/**
	 * Return the spans with the given name.
	 * @param name the span name
	 * @return the spans
	 */
	public List<SpanData> named(String name) {
		return all().stream().filter((span) -> span.getName().equals(name)).toList();
	}

	/**
	 * Registers the recorder and a span processor that feeds it.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Config {

		@Bean
		RecordedSpans recordedSpans() {
			return new RecordedSpans();
		}

		@Bean
		SpanProcessor recordedSpansProcessor(RecordedSpans recordedSpans) {
			SpanProcessor exporting = SimpleSpanProcessor.create(recordedSpans.exporter);
			return new SpanProcessor() {

				@Override
				public void onStart(Context parentContext, ReadWriteSpan span) {
					recordedSpans.open.incrementAndGet();
				}

				@Override
				public boolean isStartRequired() {
					return true;
				}

				@Override
				public void onEnd(ReadableSpan span) {
					exporting.onEnd(span);
					recordedSpans.open.decrementAndGet();
				}

				@Override
				public boolean isEndRequired() {
					return true;
				}

			};
		}

	}

}
