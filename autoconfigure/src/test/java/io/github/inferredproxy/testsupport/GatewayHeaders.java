package io.github.inferredproxy.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.github.inferredproxy.gateway.HeaderLookup;

/**
 * The headers an API Gateway REST API mapping sets, for tests.
 */
public final class GatewayHeaders {

	/**
	 * The {@code x-dd-proxy-request-id} of {@link #restApi(long)}.
	 */
	public static final String REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

	/**
	 * The root of the {@code X-Amzn-Trace-Id} header of {@link #restApi(long)}.
	 */
	public static final String XRAY_TRACE_ID = "1-5759e988-bd862e3fe1be46a994272793";

	private GatewayHeaders() {
	}

	/**
	 * Return a full set of REST API gateway headers.
	 * @param requestTimeMillis the gateway receive time
	 * @return the headers, mutable
	 */
	public static Map<String, String> restApi(long requestTimeMillis) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("x-dd-proxy", "aws-apigateway");
		headers.put("x-dd-proxy-request-time-ms", Long.toString(requestTimeMillis));
		headers.put("x-dd-proxy-domain-name", "api.example.com");
		headers.put("x-dd-proxy-httpmethod", "GET");
		headers.put("x-dd-proxy-path", "/prod/orders/42");
		headers.put("x-dd-proxy-stage", "prod");
		headers.put("x-dd-proxy-resource-path", "/orders/{id}");
		headers.put("x-dd-proxy-account-id", "123456789012");
		headers.put("x-dd-proxy-api-id", "a1b2c3d4e5");
		headers.put("x-dd-proxy-region", "eu-west-3");
		headers.put("x-dd-proxy-user", "arn:aws:iam::123456789012:user/alice");
		headers.put("x-dd-proxy-request-id", REQUEST_ID);
		// Not a mapping: API Gateway adds it to the requests it forwards.
		headers.put("X-Amzn-Trace-Id", "Root=" + XRAY_TRACE_ID + ";Parent=53995c3f42cd8ad8;Sampled=1");
		return headers;
	}

	/**
	 * Return a full set of REST API gateway headers, received by the gateway 50 ms ago,
	 * with a stage of the test's own, by which its gateway span and timers can be found.
	 * @param stage the stage
	 * @return the headers, mutable
	 */
	public static Map<String, String> restApiWithStage(String stage) {
		Map<String, String> headers = restApi(System.currentTimeMillis() - 50);
		headers.put("x-dd-proxy-stage", stage);
		return headers;
	}

	/**
	 * Return a full set of REST API gateway headers for one identifiable test request:
	 * the id is the {@link GatewayObservationRecorder#REQUEST_ID_HEADER} header, the
	 * gateway's request id ({@code x-dd-proxy-request-id}) and the gateway path
	 * {@code /prod/<id>}, so that the gateway span can be found by its {@code url.path}
	 * attribute.
	 * @param requestTimeMillis the gateway receive time
	 * @param requestId a unique id of the request
	 * @return the headers, mutable
	 */
	public static Map<String, String> restApi(long requestTimeMillis, String requestId) {
		Map<String, String> headers = restApi(requestTimeMillis);
		headers.put("x-dd-proxy-path", gatewayPath(requestId));
		headers.put(GatewayObservationRecorder.REQUEST_ID_HEADER, requestId);
		headers.put("x-dd-proxy-request-id", requestId);
		return headers;
	}

	/**
	 * Return a new X-Ray trace id: {@code 1-}, the epoch seconds in 8 hex digits,
	 * {@code -}, 24 random hex digits.
	 * @return the trace id
	 */
	public static String newXrayTraceId() {
		return "1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
				+ UUID.randomUUID().toString().replace("-", "").substring(0, 24);
	}

	/**
	 * Return the gateway path {@link #restApi(long, String)} sets for a request id.
	 * @param requestId the request id
	 * @return the path
	 */
	public static String gatewayPath(String requestId) {
		return "/prod/" + requestId;
	}

	/**
	 * Return the headers as a request would look them up: by name, in any case.
	 * @param headers the headers
	 * @return the lookup
	 */
	public static HeaderLookup lookup(Map<String, String> headers) {
		Map<String, String> caseInsensitive = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		caseInsensitive.putAll(headers);
		return caseInsensitive::get;
	}

}
