package io.github.inferredproxy.test;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.assertj.core.api.AbstractAssert;
import org.jspecify.annotations.Nullable;

/**
 * Assertions on the spans of one request. Each failure says what was recorded instead.
 *
 * @author Inferred Proxy contributors
 */
public class GatewayTraceAssert extends AbstractAssert<GatewayTraceAssert, GatewayTrace> {

	GatewayTraceAssert(GatewayTrace actual) {
		super(actual, GatewayTraceAssert.class);
	}

	/**
	 * Verify that the request got a gateway span, the parent of its server span, that
	 * continues the request's upstream trace, is a SERVER span and ended at or after the
	 * server span.
	 * @return this
	 */
	public GatewayTraceAssert hasGatewaySpanAsParentOfServerSpan() {
		SpanData gateway = gateway();
		SpanData server = this.actual.serverSpan();
		if (server == null) {
			failWithMessage(
					"Expected a server span below the gateway span %s, but there is none in %s: is the "
							+ "server observation (http.server.requests) configured?",
					GatewaySpans.describe(gateway), this.actual);
			return this;
		}
		if (!server.getParentSpanId().equals(gateway.getSpanId())
				|| !server.getTraceId().equals(gateway.getTraceId())) {
			failWithMessage("Expected the gateway span %s to be the parent of the server span %s in %s",
					GatewaySpans.describe(gateway), GatewaySpans.describe(server), this.actual);
		}
		if (!gateway.getParentSpanId().equals(this.actual.headers().upstreamSpanId())) {
			failWithMessage("Expected the gateway span %s to continue the upstream span %s in %s",
					GatewaySpans.describe(gateway), this.actual.headers().upstreamSpanId(), this.actual);
		}
		if (gateway.getKind() != SpanKind.SERVER) {
			failWithMessage("Expected the gateway span to be a SERVER span but it is %s", gateway.getKind());
		}
		if (gateway.getEndEpochNanos() < server.getEndEpochNanos()) {
			failWithMessage("Expected the gateway span to end at or after the server span, but it ended %s ns before "
					+ "it in %s", server.getEndEpochNanos() - gateway.getEndEpochNanos(), this.actual);
		}
		return this;
	}

	/**
	 * Verify that the request got no gateway span: its server span is directly below the
	 * upstream span.
	 * @return this
	 */
	public GatewayTraceAssert hasNoGatewaySpan() {
		isNotNull();
		if (this.actual.gatewaySpan() != null) {
			failWithMessage("Expected no gateway span but found %s in %s",
					GatewaySpans.describe(this.actual.gatewaySpan()), this.actual);
		}
		return this;
	}

	/**
	 * Verify the gateway span's name.
	 * @param name the expected name, for example {@code aws.apigateway}
	 * @return this
	 */
	public GatewayTraceAssert gatewaySpanHasName(String name) {
		SpanData gateway = gateway();
		if (!gateway.getName().equals(name)) {
			failWithMessage("Expected the gateway span to be named %s but it is %s", name,
					GatewaySpans.describe(gateway));
		}
		return this;
	}

	/**
	 * Verify that the gateway span starts exactly at the gateway receive time the
	 * request's headers carry.
	 * @return this
	 */
	public GatewayTraceAssert gatewaySpanStartsAtTheGatewayReceiveTime() {
		return gatewaySpanStartsAt(this.actual.headers().receivedAt());
	}

	/**
	 * Verify that the gateway span starts exactly at a time.
	 * @param epochMillis the expected start
	 * @return this
	 */
	public GatewayTraceAssert gatewaySpanStartsAt(long epochMillis) {
		SpanData gateway = gateway();
		if (gateway.getStartEpochNanos() != TimeUnit.MILLISECONDS.toNanos(epochMillis)) {
			double actualMillis = gateway.getStartEpochNanos() / 1_000_000.0;
			failWithMessage("Expected the gateway span to start at %s ms but it started at %s ms (%+.3f ms): %s",
					epochMillis, actualMillis, actualMillis - epochMillis, GatewaySpans.describe(gateway));
		}
		return this;
	}

	/**
	 * Verify an attribute of the gateway span.
	 * @param key the attribute key
	 * @param value the expected value: a {@code String} or a {@code Long}, as the
	 * attribute was written
	 * @return this
	 */
	public GatewayTraceAssert gatewaySpanHasAttribute(String key, Object value) {
		SpanData gateway = gateway();
		Object actualValue = attribute(gateway, key);
		// 200 and 200L are the same status code.
		Object expected = (value instanceof Integer || value instanceof Short) ? ((Number) value).longValue() : value;
		if (!Objects.equals(actualValue, expected)) {
			failWithMessage(
					"Expected the gateway span's attribute %s to be %s (%s) but it is %s (%s); its attributes: %s", key,
					value, typeName(value), actualValue, typeName(actualValue), attributes(gateway));
		}
		return this;
	}

	/**
	 * Verify that the gateway span has no attribute with this key.
	 * @param key the attribute key
	 * @return this
	 */
	public GatewayTraceAssert gatewaySpanDoesNotHaveAttribute(String key) {
		SpanData gateway = gateway();
		Object actualValue = attribute(gateway, key);
		if (actualValue != null) {
			failWithMessage("Expected the gateway span to have no attribute %s but it is %s", key, actualValue);
		}
		return this;
	}

	/**
	 * Verify that the gateway span is an error (status ERROR), as for a 5xx response.
	 * @return this
	 */
	public GatewayTraceAssert gatewaySpanIsError() {
		SpanData gateway = gateway();
		if (gateway.getStatus().getStatusCode() != StatusCode.ERROR) {
			failWithMessage("Expected the gateway span to be an error but its status is %s: %s",
					gateway.getStatus().getStatusCode(), GatewaySpans.describe(gateway));
		}
		return this;
	}

	/**
	 * Verify that the gateway span is not an error.
	 * @return this
	 */
	public GatewayTraceAssert gatewaySpanIsNotError() {
		SpanData gateway = gateway();
		if (gateway.getStatus().getStatusCode() == StatusCode.ERROR) {
			failWithMessage("Expected the gateway span not to be an error but its status is ERROR (%s)",
					gateway.getStatus().getDescription());
		}
		return this;
	}

	private SpanData gateway() {
		isNotNull();
		SpanData gateway = this.actual.gatewaySpan();
		if (gateway == null) {
			failWithMessage("Expected a gateway span but the request got none: %s. Was it rejected? An unsupported "
					+ "x-dd-proxy, a missing, malformed, too old or future x-dd-proxy-request-time-ms, or the trust "
					+ "policy: the starter's WARN 'A request carried gateway headers but got no gateway span' (once "
					+ "per reason) and the inferred.proxy.rejected counter say which.", this.actual);
		}
		return Objects.requireNonNull(gateway);
	}

	private static String typeName(@Nullable Object value) {
		return (value != null) ? value.getClass().getSimpleName() : "none";
	}

	private static String attributes(SpanData span) {
		Map<String, Object> sorted = new TreeMap<>();
		span.getAttributes().forEach((key, value) -> sorted.put(key.getKey(), value));
		return sorted.toString();
	}

	private static @Nullable Object attribute(SpanData span, String key) {
		Object value = span.getAttributes().get(AttributeKey.stringKey(key));
		return (value != null) ? value : span.getAttributes().get(AttributeKey.longKey(key));
	}

}
