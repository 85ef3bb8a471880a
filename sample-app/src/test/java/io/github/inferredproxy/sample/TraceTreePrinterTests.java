package io.github.inferredproxy.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TraceTreePrinter}.
 */
class TraceTreePrinterTests {

	@Test
	void formatsTheTreeWithTransitAndStatus() {
		List<SpanData> ended = new ArrayList<>();
		try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(new Recorder(ended)).build()) {
			Tracer tracer = provider.get("test");
			long t0 = TimeUnit.MILLISECONDS.toNanos(1_767_225_600_000L);
			Span gateway = tracer.spanBuilder("aws.apigateway")
				.setSpanKind(SpanKind.SERVER)
				.setStartTimestamp(t0, TimeUnit.NANOSECONDS)
				.setAttribute("resource.name", "GET /orders/{id}")
				.setAttribute("http.response.status_code", 200L)
				.startSpan();
			Span server = tracer.spanBuilder("http get /orders/{id}")
				.setSpanKind(SpanKind.SERVER)
				.setParent(Context.root().with(gateway))
				.setStartTimestamp(t0 + ms(250), TimeUnit.NANOSECONDS)
				.setAttribute("status", "200")
				.startSpan();
			Span lookup = tracer.spanBuilder("order.lookup")
				.setParent(Context.root().with(server))
				.setStartTimestamp(t0 + ms(251), TimeUnit.NANOSECONDS)
				.startSpan();
			lookup.end(t0 + ms(252), TimeUnit.NANOSECONDS);
			server.end(t0 + ms(260), TimeUnit.NANOSECONDS);
			gateway.end(t0 + ms(261), TimeUnit.NANOSECONDS);
		}
		SpanData root = ended.get(ended.size() - 1);
		assertThat(TraceTreePrinter.format(root, ended)).isEqualTo("""
				Trace %s (3 spans)
				    start   duration  span
				   0.0 ms   261.0 ms  aws.apigateway GET /orders/{id}  [200]
				 250.0 ms    10.0 ms  \\- http get /orders/{id}  [200]  (transit 250.0 ms before the application)
				 251.0 ms     1.0 ms     \\- order.lookup""".formatted(root.getTraceId()));
	}

	private static long ms(long millis) {
		return TimeUnit.MILLISECONDS.toNanos(millis);
	}

	private record Recorder(List<SpanData> ended) implements SpanProcessor {

		@Override
		public void onStart(Context parentContext, ReadWriteSpan span) {
		}

		@Override
		public boolean isStartRequired() {
			return false;
		}

		@Override
		public void onEnd(ReadableSpan span) {
			this.ended.add(span.toSpanData());
		}

		@Override
		public boolean isEndRequired() {
			return true;
		}

	}

}
