package io.github.inferredproxy.test;

import java.util.List;

import io.opentelemetry.sdk.trace.data.SpanData;
import org.assertj.core.api.AssertProvider;
import org.jspecify.annotations.Nullable;

/**
 * The spans of one request sent with {@link GatewayHeaders}: its gateway span, if it got
 * one, and its server span ({@code http.server.requests}). Assert on it with AssertJ's
 * {@code assertThat(trace)}.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewayTrace implements AssertProvider<GatewayTraceAssert> {

	private final GatewayHeaders headers;

	private final @Nullable SpanData gatewaySpan;

	private final @Nullable SpanData serverSpan;

	private final List<SpanData> spans;

	GatewayTrace(GatewayHeaders headers, @Nullable SpanData gatewaySpan, @Nullable SpanData serverSpan,
			List<SpanData> spans) {
		this.headers = headers;
		this.gatewaySpan = gatewaySpan;
		this.serverSpan = serverSpan;
		this.spans = List.copyOf(spans);
	}

	/**
	 * Return the headers the request was sent with.
	 * @return the headers
	 */
	public GatewayHeaders headers() {
		return this.headers;
	}

	/**
	 * Return the gateway span.
	 * @return the span, or {@code null} when the request got none
	 */
	public @Nullable SpanData gatewaySpan() {
		return this.gatewaySpan;
	}

	/**
	 * Return the server span.
	 * @return the span, or {@code null} when there was none below the gateway span (the
	 * server observation is not configured)
	 */
	public @Nullable SpanData serverSpan() {
		return this.serverSpan;
	}

	/**
	 * Return every span of the trace that had ended when the request was complete.
	 * @return the spans
	 */
	public List<SpanData> spans() {
		return this.spans;
	}

	@Override
	public GatewayTraceAssert assertThat() {
		return new GatewayTraceAssert(this);
	}

	@Override
	public String toString() {
		return "trace " + this.headers.traceId() + " " + GatewaySpans.describe(this.spans);
	}

}
