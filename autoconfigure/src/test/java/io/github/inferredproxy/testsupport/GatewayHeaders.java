package io.github.inferredproxy.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers an API Gateway REST API mapping sets, for tests.
 */
public final class GatewayHeaders {

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
	 * the id is the {@link GatewayObservationRecorder#REQUEST_ID_HEADER} header and the
	 * gateway path {@code /prod/<id>}, so that the gateway span can be found by its
	 * {@code url.path} attribute.
	 * @param requestTimeMillis the gateway receive time
	 * @param requestId a unique id of the request
	 * @return the headers, mutable
	 */
	public static Map<String, String> restApi(long requestTimeMillis, String requestId) {
		Map<String, String> headers = restApi(requestTimeMillis);
		headers.put("x-dd-proxy-path", gatewayPath(requestId));
		headers.put(GatewayObservationRecorder.REQUEST_ID_HEADER, requestId);
		return headers;
	}

	/**
	 * Return the gateway path {@link #restApi(long, String)} sets for a request id.
	 * @param requestId the request id
	 * @return the path
	 */
	public static String gatewayPath(String requestId) {
		return "/prod/" + requestId;
	}

}
