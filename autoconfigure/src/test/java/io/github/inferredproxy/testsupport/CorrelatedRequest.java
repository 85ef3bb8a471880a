package io.github.inferredproxy.testsupport;

import java.util.Map;
import java.util.UUID;

import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * A request through the gateway to a {@code /correlation/*} endpoint of a test
 * application, which logs the request's marker and answers with the gateway request id
 * its MDC held; with the gateway span and the server span below it.
 *
 * @param requestId the {@code x-dd-proxy-request-id} the request was sent with, or the
 * test's request id when it was sent without one
 * @param marker the {@code marker} query parameter, which the endpoint logs
 * @param body the response body
 * @param gateway the gateway span
 * @param server the server span
 */
public record CorrelatedRequest(String requestId, String marker, String body, SpanData gateway, SpanData server) {

	/**
	 * Send a request with the REST API headers of
	 * {@link GatewayHeaders#restApi(long, String)} for a new request id, and wait for its
	 * spans.
	 * @param client the client
	 * @param spans the recorded spans
	 * @param path the path, without query
	 * @return the request
	 * @throws Exception when the exchange fails
	 */
	public static CorrelatedRequest send(TestHttpClient client, RecordedSpans spans, String path) throws Exception {
		String requestId = UUID.randomUUID().toString();
		return send(client, spans, path, requestId, GatewayHeaders.restApi(System.currentTimeMillis() - 50, requestId));
	}

	/**
	 * Send a request and wait for its spans.
	 * @param client the client
	 * @param spans the recorded spans
	 * @param path the path, without query
	 * @param requestId the request id by which {@link RecordedSpans#awaitGatewaySpan}
	 * finds the gateway span
	 * @param headers the request headers, from
	 * {@link GatewayHeaders#restApi(long, String)} for {@code requestId}
	 * @return the request
	 * @throws Exception when the exchange fails
	 */
	public static CorrelatedRequest send(TestHttpClient client, RecordedSpans spans, String path, String requestId,
			Map<String, String> headers) throws Exception {
		String marker = "marker-" + UUID.randomUUID();
		String body = client.get(path + "?marker=" + marker, headers).body();
		SpanData gateway = spans.awaitGatewaySpan(requestId);
		return new CorrelatedRequest(requestId, marker, body, gateway, spans.awaitChildOf(gateway));
	}

	/**
	 * Return the correlation part of a log line written while the server span was
	 * current, with the README's {@code logging.pattern.correlation}.
	 * @param gatewayRequestId the gateway request id expected in the MDC, {@code ""} for
	 * none
	 * @return {@code [,<trace id>,<span id>,<gateway request id>] }
	 */
	public String loggedInServerSpan(String gatewayRequestId) {
		return logged(this.server, gatewayRequestId);
	}

	/**
	 * Return the correlation part of a log line written while the gateway span was
	 * current.
	 * @param gatewayRequestId the gateway request id expected in the MDC
	 * @return {@code [,<trace id>,<span id>,<gateway request id>] }
	 */
	public String loggedInGatewaySpan(String gatewayRequestId) {
		return logged(this.gateway, gatewayRequestId);
	}

	private static String logged(SpanData span, String gatewayRequestId) {
		return "[," + span.getTraceId() + "," + span.getSpanId() + "," + gatewayRequestId + "] ";
	}

}
