package io.github.inferredproxy.test;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import org.springframework.http.HttpHeaders;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

/**
 * The headers a gateway mapping adds to a request, for tests: a REST API, an HTTP API or
 * Azure API Management, with sensible defaults (received by the gateway 5 ms before the
 * builder was created, domain {@code api.example.com}, stage {@code test}) and every
 * header overridable.
 * <p>
 * The headers also carry a W3C {@code traceparent} of a fresh upstream trace (or, with
 * {@link #withB3()}, a {@code b3} header), so that
 * {@link GatewaySpans#await(GatewayHeaders)} finds this request's spans by their trace
 * rather than by which ended last. The gateway span is then the child of that upstream
 * span, as behind a traced client.
 * <p>
 * Apply them with {@link #mockMvc()}, {@link #httpHeaders()} (for {@code WebTestClient},
 * {@code RestTestClient} and {@code TestRestTemplate}) or {@link #asMap()}.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewayHeaders {

	private final Map<String, String> headers = new LinkedHashMap<>();

	private final String traceId;

	private final String upstreamSpanId;

	private long receivedAt;

	private GatewayHeaders(String system) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		this.traceId = hex(random.nextLong(1, Long.MAX_VALUE), 16) + hex(random.nextLong(1, Long.MAX_VALUE), 16);
		this.upstreamSpanId = hex(random.nextLong(1, Long.MAX_VALUE), 16);
		this.receivedAt = System.currentTimeMillis() - 5;
		this.headers.put("x-dd-proxy", system);
		this.headers.put("x-dd-proxy-request-time-ms", Long.toString(this.receivedAt));
		this.headers.put("x-dd-proxy-domain-name", "api.example.com");
		this.headers.put("x-dd-proxy-stage", "test");
		this.headers.put("traceparent", "00-" + this.traceId + "-" + this.upstreamSpanId + "-01");
	}

	/**
	 * Headers of an Amazon API Gateway REST API ({@code aws-apigateway}), with region
	 * {@code eu-west-3}, account {@code 123456789012} and API id {@code a1b2c3d4e5}.
	 * @return the headers
	 */
	public static GatewayHeaders restApi() {
		return new GatewayHeaders("aws-apigateway").region("eu-west-3")
			.header("x-dd-proxy-account-id", "123456789012")
			.header("x-dd-proxy-api-id", "a1b2c3d4e5");
	}

	/**
	 * Headers of an Amazon API Gateway HTTP API ({@code aws-httpapi}), region, account
	 * and API id as {@link #restApi()}.
	 * @return the headers
	 */
	public static GatewayHeaders httpApi() {
		return new GatewayHeaders("aws-httpapi").region("eu-west-3")
			.header("x-dd-proxy-account-id", "123456789012")
			.header("x-dd-proxy-api-id", "a1b2c3d4e5");
	}

	/**
	 * Headers of Azure API Management ({@code azure-apim}), region {@code westeurope}.
	 * @return the headers
	 */
	public static GatewayHeaders azureApiManagement() {
		return new GatewayHeaders("azure-apim").region("westeurope");
	}

	/**
	 * Set the gateway receive time.
	 * @param epochMillis when the gateway received the request
	 * @return these headers
	 */
	public GatewayHeaders receivedAt(long epochMillis) {
		this.receivedAt = epochMillis;
		return header("x-dd-proxy-request-time-ms", Long.toString(epochMillis));
	}

	/**
	 * Set the gateway receive time that long before now.
	 * @param millis how many milliseconds ago the gateway received the request
	 * @return these headers
	 */
	public GatewayHeaders receivedMillisAgo(long millis) {
		return receivedAt(System.currentTimeMillis() - millis);
	}

	/**
	 * Set the domain ({@code x-dd-proxy-domain-name}).
	 * @param domain the domain
	 * @return these headers
	 */
	public GatewayHeaders domain(String domain) {
		return header("x-dd-proxy-domain-name", domain);
	}

	/**
	 * Set the stage ({@code x-dd-proxy-stage}).
	 * @param stage the stage
	 * @return these headers
	 */
	public GatewayHeaders stage(String stage) {
		return header("x-dd-proxy-stage", stage);
	}

	/**
	 * Set the method and the raw path the client sent ({@code x-dd-proxy-httpmethod},
	 * {@code x-dd-proxy-path}).
	 * @param method the method
	 * @param path the path
	 * @return these headers
	 */
	public GatewayHeaders request(String method, String path) {
		return header("x-dd-proxy-httpmethod", method).header("x-dd-proxy-path", path);
	}

	/**
	 * Set the route template ({@code x-dd-proxy-resource-path}).
	 * @param route the route, for example {@code /orders/{id}}
	 * @return these headers
	 */
	public GatewayHeaders route(String route) {
		return header("x-dd-proxy-resource-path", route);
	}

	/**
	 * Set the region ({@code x-dd-proxy-region}).
	 * @param region the region
	 * @return these headers
	 */
	public GatewayHeaders region(String region) {
		return header("x-dd-proxy-region", region);
	}

	/**
	 * Set any header, replacing a value set before.
	 * @param name the header name
	 * @param value the value
	 * @return these headers
	 */
	public GatewayHeaders header(String name, String value) {
		this.headers.put(name, value);
		return this;
	}

	/**
	 * Leave a header out, for example to test a gateway mapping that misses it.
	 * @param name the header name
	 * @return these headers
	 */
	public GatewayHeaders without(String name) {
		this.headers.remove(name);
		return this;
	}

	/**
	 * Carry the upstream trace as a single B3 header ({@code b3}) instead of the W3C
	 * {@code traceparent}, to test an application that propagates B3.
	 * @return these headers
	 */
	public GatewayHeaders withB3() {
		this.headers.remove("traceparent");
		return header("b3", this.traceId + "-" + this.upstreamSpanId + "-1");
	}

	/**
	 * Return whether the headers still carry the upstream trace, as {@code traceparent}
	 * or {@code b3}.
	 * @return whether the request's spans can be found by trace
	 */
	boolean carriesUpstreamTrace() {
		return this.headers.containsKey("traceparent") || this.headers.containsKey("b3");
	}

	/**
	 * Return the gateway receive time the headers carry.
	 * @return epoch milliseconds
	 */
	public long receivedAt() {
		return this.receivedAt;
	}

	/**
	 * Return the id of the upstream trace that the {@code traceparent} header carries.
	 * @return the trace id, 32 hex digits
	 */
	public String traceId() {
		return this.traceId;
	}

	/**
	 * Return the id of the upstream span that the {@code traceparent} header carries, the
	 * parent of the gateway span.
	 * @return the span id, 16 hex digits
	 */
	public String upstreamSpanId() {
		return this.upstreamSpanId;
	}

	/**
	 * Return the headers as a map, for any client.
	 * @return the headers, unmodifiable
	 */
	public Map<String, String> asMap() {
		return Collections.unmodifiableMap(new LinkedHashMap<>(this.headers));
	}

	/**
	 * Return the headers as Spring's {@link HttpHeaders}, for {@code TestRestTemplate}
	 * ({@code new HttpEntity<>(headers.httpHeaders())}), {@code WebTestClient} and
	 * {@code RestTestClient} ({@code .headers(headers.apply())}).
	 * @return new headers
	 */
	public HttpHeaders httpHeaders() {
		HttpHeaders httpHeaders = new HttpHeaders();
		this.headers.forEach(httpHeaders::set);
		return httpHeaders;
	}

	/**
	 * Return what adds these headers to a client's headers, for {@code WebTestClient} and
	 * {@code RestTestClient}: {@code .headers(gateway.apply())}.
	 * @return the header customizer
	 */
	public Consumer<HttpHeaders> apply() {
		return (httpHeaders) -> this.headers.forEach(httpHeaders::set);
	}

	/**
	 * Return what adds these headers to a MockMvc request:
	 * {@code get("/orders/1").with(gateway.mockMvc())}.
	 * @return the request post processor
	 */
	public RequestPostProcessor mockMvc() {
		return (request) -> {
			this.headers.forEach(request::addHeader);
			return request;
		};
	}

	private static String hex(long value, int digits) {
		String text = Long.toHexString(value);
		return "0".repeat(digits - text.length()) + text;
	}

	@Override
	public String toString() {
		return "GatewayHeaders" + this.headers;
	}

}
