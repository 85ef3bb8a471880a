package io.github.inferredproxy.compat.brave;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import brave.Span.Kind;
import brave.handler.MutableSpan;
import io.github.inferredproxy.observation.InferredProxyTracingObservationHandler;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway span on Brave, over real HTTP: where it sits in the trace with and without
 * an upstream {@code traceparent} or B3 context, its start, kind, attributes and error
 * status, as Brave records them. Each subclass runs these tests on one web stack, with
 * one application context.
 */
abstract class AbstractGatewaySpanOnBraveTests {

	/**
	 * What every subclass's {@code @SpringBootTest} sets: every trace sampled; W3C and B3
	 * propagation (Boot refuses W3C only together with
	 * {@code management.brave.tracing.span-joining-supported=true}, off by default); and
	 * trace export, which {@code spring-boot-micrometer-tracing-test} would switch off in
	 * tests, and propagation with it. That module is not on the class path: the property
	 * keeps upstream contexts on should it come.
	 */
	static final String SAMPLING = "management.tracing.sampling.probability=1.0";

	static final String PROPAGATION = "management.tracing.propagation.type=w3c,b3";

	static final String EXPORT = "spring.test.tracing.export=true";

	static final String APPLICATION = "spring.application.name=orders-brave";

	static final String GATEWAY_SPAN_NAME = "aws.apigateway";

	private static final HttpClient CLIENT = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	@LocalServerPort
	int port;

	@Autowired
	BraveSpans spans;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	Tracer tracer;

	/**
	 * Return the simple class name of the web server the subclass's stack runs on.
	 * @return the class name
	 */
	abstract String expectedWebServer();

	@Test
	void runsOnBraveWithTheStarterOnTheExpectedServer() {
		assertThat(this.context.getWebServer().getClass().getSimpleName()).isEqualTo(expectedWebServer());
		assertThat(this.tracer).isInstanceOf(BraveTracer.class);
		assertThat(this.context.getBeansOfType(InferredProxyTracingObservationHandler.class)).hasSize(1);
		assertThat(ClassUtils.isPresent("io.micrometer.tracing.otel.bridge.OtelTracer", null)).isFalse();
	}

	@Test
	void gatewaySpanIsTheRootAndParentOfServerSpan() throws Exception {
		long gatewayTime = System.currentTimeMillis() - 200;
		String path = "/orders/" + newId();
		GatewayTrace trace = send(path, gatewayHeaders(path, "/orders/{id}", gatewayTime), 200);
		MutableSpan gateway = trace.gateway();
		MutableSpan server = trace.server();
		assertGatewaySpanIsParentOfServerSpan(trace);
		assertThat(gateway.parentId()).isNull();
		assertThat(gateway.name()).isEqualTo(GATEWAY_SPAN_NAME);
		assertThat(gateway.kind()).isEqualTo(Kind.SERVER);
		// Brave keeps epoch microseconds.
		assertThat(gateway.startTimestamp()).isEqualTo(gatewayTime * 1000);
		assertThat(server.startTimestamp()).isGreaterThan(gateway.startTimestamp());
		assertThat(gateway.finishTimestamp()).isGreaterThanOrEqualTo(server.finishTimestamp());
		// Brave's tags are strings, numbers included.
		assertThat(gateway.tags()).containsEntry("http.route", "/orders/{id}")
			.containsEntry("stage", "prod")
			.containsEntry("component", "aws-apigateway")
			.containsEntry("url.path", "/prod" + path)
			.containsEntry("http.response.status_code", "200")
			.doesNotContainKey("error");
		assertThat(gateway.error()).isNull();
		assertThat(server.name()).isEqualTo("http get /orders/{id}");
		assertThat(server.kind()).isEqualTo(Kind.SERVER);
	}

	@Test
	void gatewaySpanBelongsToTheGatewaysServiceAndTheServerSpanToTheApplications() throws Exception {
		GatewayTrace trace = sendThroughGateway("/orders/" + newId(), Map.of());
		// What a Zipkin reporter names the local endpoint after, once Boot's span handler
		// has applied the starter's span filter.
		assertThat(trace.gateway().localServiceName()).isEqualTo("api.example.com");
		assertThat(trace.server().localServiceName()).isEqualTo("orders-brave");
	}

	@Test
	void gatewaySpanContinuesTraceparentAndIsParentOfServerSpan() throws Exception {
		Upstream upstream = Upstream.random();
		assertGatewaySpanContinues(upstream, sendThroughGateway("/orders/" + newId(),
				Map.of("traceparent", "00-" + upstream.traceId() + "-" + upstream.spanId() + "-01")));
	}

	@Test
	void gatewaySpanContinuesSingleB3HeaderAndIsParentOfServerSpan() throws Exception {
		Upstream upstream = Upstream.random();
		assertGatewaySpanContinues(upstream, sendThroughGateway("/orders/" + newId(),
				Map.of("b3", upstream.traceId() + "-" + upstream.spanId() + "-1")));
	}

	@Test
	void gatewaySpanContinuesMultipleB3HeadersAndIsParentOfServerSpan() throws Exception {
		Upstream upstream = Upstream.random();
		assertGatewaySpanContinues(upstream, sendThroughGateway("/orders/" + newId(),
				Map.of("X-B3-TraceId", upstream.traceId(), "X-B3-SpanId", upstream.spanId(), "X-B3-Sampled", "1")));
	}

	@Test
	void withoutGatewayHeadersServerSpanIsTheRootAndNoGatewaySpanIsCreated() throws Exception {
		String path = "/orders/" + newId();
		GatewayTrace trace = send(path, Map.of(), 200);
		MutableSpan server = trace.server();
		assertThat(trace.gateway()).isNull();
		assertHexIds(server);
		assertThat(server.parentId()).isNull();
		assertThat(server.kind()).isEqualTo(Kind.SERVER);
		assertThat(server.name()).isEqualTo("http get /orders/{id}");
		// A gateway span would have started before the server span, in its trace.
		assertThat(trace.startedInTrace()).containsExactly(server.id());
	}

	@Test
	void withoutGatewayHeadersServerSpanIsTheChildOfTraceparent() throws Exception {
		Upstream upstream = Upstream.random();
		String path = "/orders/" + newId();
		GatewayTrace trace = send(path,
				Map.of("traceparent", "00-" + upstream.traceId() + "-" + upstream.spanId() + "-01"), 200);
		MutableSpan server = trace.server();
		assertThat(trace.gateway()).isNull();
		assertHexIds(server);
		assertThat(server.traceId()).isEqualTo(upstream.traceId());
		assertThat(server.parentId()).isEqualTo(upstream.spanId());
		assertThat(trace.startedInTrace()).containsExactly(server.id());
	}

	@Test
	void exceptionFromTheApplicationMarksTheGatewaySpanAsError() throws Exception {
		String id = newId();
		String path = "/orders/" + id + "/fail";
		GatewayTrace trace = send(path, gatewayHeaders(path, "/orders/{id}/fail", System.currentTimeMillis() - 50),
				500);
		assertGatewaySpanIsParentOfServerSpan(trace);
		MutableSpan gateway = trace.gateway();
		// Brave keeps the exception; a Zipkin reporter turns it into the "error" tag.
		assertThat(gateway.error()).isInstanceOf(IllegalStateException.class).hasMessage("boom " + id);
		assertThat(gateway.tags()).containsEntry("http.response.status_code", "500");
	}

	@ParameterizedTest
	@ValueSource(ints = { 500, 503 })
	void serverErrorStatusMarksTheGatewaySpanWithTheErrorTag(int status) throws Exception {
		String path = "/orders/" + newId() + "/status/" + status;
		GatewayTrace trace = send(path,
				gatewayHeaders(path, "/orders/{id}/status/{code}", System.currentTimeMillis() - 50), status);
		assertGatewaySpanIsParentOfServerSpan(trace);
		MutableSpan gateway = trace.gateway();
		assertThat(gateway.error()).isNull();
		assertThat(gateway.tags()).containsEntry("error", "HTTP " + status)
			.containsEntry("http.response.status_code", Integer.toString(status));
	}

	@Test
	void clientErrorStatusIsNotAGatewayError() throws Exception {
		String path = "/orders/" + newId() + "/status/404";
		GatewayTrace trace = send(path,
				gatewayHeaders(path, "/orders/{id}/status/{code}", System.currentTimeMillis() - 50), 404);
		assertGatewaySpanIsParentOfServerSpan(trace);
		MutableSpan gateway = trace.gateway();
		assertThat(gateway.tags()).containsEntry("http.response.status_code", "404").doesNotContainKey("error");
		assertThat(gateway.error()).isNull();
	}

	@Test
	void recorderSeesOnlyWhatBootExports() {
		Span unexported = this.tracer.nextSpan().name(BraveTestApplication.UNEXPORTED_SPAN_NAME).start();
		unexported.end();
		Span exported = this.tracer.nextSpan().name("test.exported").start();
		exported.end();
		// Brave hands a span to its handlers when it ends, on the thread that ends it.
		assertThat(this.spans.endedInTrace(exported.context().traceId())).extracting(MutableSpan::name)
			.containsExactly("test.exported");
		assertThat(this.spans.startedInTrace(unexported.context().traceId()))
			.containsExactly(unexported.context().spanId());
		assertThat(this.spans.endedInTrace(unexported.context().traceId())).isEmpty();
	}

	/**
	 * Send a GET request through a real HTTP client, check its status, and wait for its
	 * server span and, when the request carries gateway headers, its gateway span (found
	 * by its {@code url.path} attribute, whatever the tree looks like).
	 * @param path the path, which identifies the request: its server span's
	 * {@code http.url}
	 * @param headers the request headers
	 * @param expectedStatus the response status
	 * @return the spans of the request's trace
	 * @throws Exception when the exchange fails
	 */
	GatewayTrace send(String path, Map<String, String> headers, int expectedStatus) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(20));
		headers.forEach(request::header);
		HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(expectedStatus);
		MutableSpan server = this.spans.await("server span of " + path,
				(span) -> span.kind() == Kind.SERVER && path.equals(span.tag("http.url")));
		String gatewayPath = headers.get("x-dd-proxy-path");
		MutableSpan gateway = (gatewayPath != null)
				? this.spans.await("gateway span of " + path,
						(span) -> GATEWAY_SPAN_NAME.equals(span.name()) && gatewayPath.equals(span.tag("url.path")))
				: null;
		String traceId = server.traceId();
		return new GatewayTrace(gateway, server, this.spans.endedInTrace(traceId), this.spans.startedInTrace(traceId));
	}

	/**
	 * Send a GET request to {@code /orders/{id}} with a full set of REST API gateway
	 * headers, received by the gateway 50 ms ago, and expect a 200.
	 * @param path the path, {@code /orders/<id>}
	 * @param moreHeaders headers to send as well, such as an upstream trace context
	 * @return the spans of the request's trace
	 * @throws Exception when the exchange fails
	 */
	GatewayTrace sendThroughGateway(String path, Map<String, String> moreHeaders) throws Exception {
		Map<String, String> headers = gatewayHeaders(path, "/orders/{id}", System.currentTimeMillis() - 50);
		headers.putAll(moreHeaders);
		return send(path, headers, 200);
	}

	/**
	 * The headers an API Gateway REST API mapping sets, for stage {@code prod}: the
	 * gateway path is {@code /prod<path>}.
	 * @param path the path the application receives
	 * @param resourcePath the resource path header, the route template
	 * @param gatewayTimeMillis the gateway receive time
	 * @return the headers, mutable
	 */
	static Map<String, String> gatewayHeaders(String path, String resourcePath, long gatewayTimeMillis) {
		Map<String, String> headers = new LinkedHashMap<>();
		headers.put("x-dd-proxy", "aws-apigateway");
		headers.put("x-dd-proxy-request-time-ms", Long.toString(gatewayTimeMillis));
		headers.put("x-dd-proxy-domain-name", "api.example.com");
		headers.put("x-dd-proxy-httpmethod", "GET");
		headers.put("x-dd-proxy-path", "/prod" + path);
		headers.put("x-dd-proxy-stage", "prod");
		headers.put("x-dd-proxy-resource-path", resourcePath);
		return headers;
	}

	static String newId() {
		return UUID.randomUUID().toString();
	}

	/**
	 * The gateway span is the parent of the server span in the same trace, each the only
	 * one of its kind there, with real ids.
	 */
	static void assertGatewaySpanIsParentOfServerSpan(GatewayTrace trace) {
		MutableSpan gateway = trace.gateway();
		MutableSpan server = trace.server();
		assertThat(gateway).as("gateway span").isNotNull();
		assertHexIds(gateway);
		assertHexIds(server);
		assertThat(server.traceId()).isEqualTo(gateway.traceId());
		assertThat(server.parentId()).isEqualTo(gateway.id());
		assertThat(server.id()).isNotEqualTo(gateway.id());
		// Everything that started in the trace has ended, once each: one gateway span,
		// one
		// server span, nothing else.
		assertThat(trace.startedInTrace()).containsExactlyInAnyOrder(gateway.id(), server.id());
		assertThat(trace.endedInTrace()).extracting(MutableSpan::id)
			.containsExactlyInAnyOrder(gateway.id(), server.id());
	}

	static void assertGatewaySpanContinues(Upstream upstream, GatewayTrace trace) {
		assertGatewaySpanIsParentOfServerSpan(trace);
		MutableSpan gateway = trace.gateway();
		assertThat(gateway.traceId()).isEqualTo(upstream.traceId());
		assertThat(gateway.parentId()).isEqualTo(upstream.spanId());
		// A span of its own, not the upstream span joined (Micrometer's observations
		// never
		// join, even with management.brave.tracing.span-joining-supported=true).
		assertThat(gateway.id()).isNotEqualTo(upstream.spanId());
		assertThat(trace.server().traceId()).isEqualTo(upstream.traceId());
	}

	/**
	 * Brave's ids as hex strings: 128-bit trace ids (Boot's setting), 64-bit span ids. An
	 * empty or zero id compared with another would prove nothing.
	 */
	static void assertHexIds(MutableSpan span) {
		assertThat(span.traceId()).as("trace id of " + span.name()).matches("[0-9a-f]{32}").doesNotMatch("0+");
		assertThat(span.id()).as("span id of " + span.name()).matches("[0-9a-f]{16}").doesNotMatch("0+");
		if (span.parentId() != null) {
			assertThat(span.parentId()).as("parent id of " + span.name()).matches("[0-9a-f]{16}");
		}
	}

	/**
	 * The spans of one request's trace, as Brave recorded them.
	 *
	 * @param gateway the gateway span, {@code null} for a request without gateway headers
	 * @param server the server span ({@code http.server.requests})
	 * @param endedInTrace the spans of the trace that had ended when both were recorded
	 * @param startedInTrace the ids of the spans of the trace that had started by then
	 */
	record GatewayTrace(@Nullable MutableSpan gateway, MutableSpan server, List<MutableSpan> endedInTrace,
			List<String> startedInTrace) {
	}

	/**
	 * The span of a service upstream of the gateway, with random non-zero ids.
	 */
	record Upstream(String traceId, String spanId) {

		static Upstream random() {
			String hex = UUID.randomUUID().toString().replace("-", "");
			return new Upstream(hex, hex.substring(8, 24));
		}

	}

}
