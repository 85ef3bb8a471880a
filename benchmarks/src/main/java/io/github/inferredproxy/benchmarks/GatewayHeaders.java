package io.github.inferredproxy.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of the benchmark requests: what a browser and Amazon API Gateway (REST API)
 * send to an application, with and without the gateway's {@code x-dd-proxy-*} set.
 *
 * @author Inferred Proxy contributors
 */
final class GatewayHeaders {

	static final String PATH = "/orders/42";

	static final String ROUTE = "/orders/{id}";

	private GatewayHeaders() {
	}

	/**
	 * Headers that every request has, gateway or not.
	 * @return the headers
	 */
	static Map<String, String> common() {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("host", "orders.internal:8080");
		headers.put("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36");
		headers.put("accept", "application/json");
		headers.put("accept-encoding", "gzip, deflate, br");
		headers.put("x-forwarded-for", "203.0.113.7");
		headers.put("x-forwarded-proto", "https");
		headers.put("x-amzn-trace-id", "Root=1-67891233-abcdef012345678912345678");
		return headers;
	}

	/**
	 * The full set of gateway headers, as a REST API integration mapping sends them.
	 * @param gatewayEpochMillis the gateway's receive time
	 * @return the headers
	 */
	static Map<String, String> gateway(long gatewayEpochMillis) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("x-dd-proxy", "aws-apigateway");
		headers.put("x-dd-proxy-request-time-ms", Long.toString(gatewayEpochMillis));
		headers.put("x-dd-proxy-domain-name", "api.example.com");
		headers.put("x-dd-proxy-httpmethod", "GET");
		headers.put("x-dd-proxy-path", "/prod/orders/42");
		headers.put("x-dd-proxy-stage", "prod");
		headers.put("x-dd-proxy-resource-path", ROUTE);
		headers.put("x-dd-proxy-account-id", "123456789012");
		headers.put("x-dd-proxy-api-id", "a1b2c3d4e5");
		headers.put("x-dd-proxy-region", "eu-west-3");
		headers.put("x-dd-proxy-user", "arn:aws:iam::123456789012:user/ada");
		return headers;
	}

	/**
	 * Common and gateway headers together.
	 * @param gatewayEpochMillis the gateway receive time
	 * @return the headers
	 */
	static Map<String, String> withGateway(long gatewayEpochMillis) {
		Map<String, String> headers = common();
		headers.putAll(gateway(gatewayEpochMillis));
		return headers;
	}

}
