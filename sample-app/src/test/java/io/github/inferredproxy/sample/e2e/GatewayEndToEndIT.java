package io.github.inferredproxy.sample.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import io.github.inferredproxy.sample.OrdersApplication;
import io.github.inferredproxy.sample.e2e.Zipkin.ZipkinSpan;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The whole chain, as a user would run it: client → nginx (the gateway stand-in, which
 * sets the x-dd-proxy-* headers from its own clock) → the sample application on Spring
 * MVC and on WebFlux → OpenTelemetry's Zipkin exporter → a real Zipkin server. The traces
 * are read back from Zipkin's HTTP API.
 */
class GatewayEndToEndIT {

	private static final String GATEWAY_SPAN = "aws.apigateway";

	private static final String DOMAIN = "127.0.0.1";

	private static final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private static @Nullable Zipkin zipkin;

	private static @Nullable OtlpCollector otlp;

	private static final Map<Stack, ConfigurableApplicationContext> apps = new EnumMap<>(Stack.class);

	private static final Map<Stack, ExternalProcess> gateways = new EnumMap<>(Stack.class);

	private static final Map<Stack, Integer> gatewayPorts = new EnumMap<>(Stack.class);

	enum Stack {

		MVC("servlet"), WEBFLUX("reactive");

		private final String webApplicationType;

		Stack(String webApplicationType) {
			this.webApplicationType = webApplicationType;
		}

		String serviceName() {
			return "orders-" + name().toLowerCase();
		}

	}

	@BeforeAll
	static void startTheChain() {
		Path work = Path.of(System.getProperty("e2e.work-dir", "target/e2e")).toAbsolutePath();
		Path nginx = Nginx.locateOrInstall(work);
		assumeTrue(nginx != null, "End-to-end test SKIPPED: nginx is not installed and cannot be installed "
				+ "here (that needs root and apt-get). Install nginx (e.g. apt-get install nginx-light) to run it.");
		zipkin = Zipkin.start(Path.of(System.getProperty("e2e.zipkin-server-jar", "target/e2e/zipkin-server.jar")),
				work.resolve("zipkin.log"));
		otlp = OtlpCollector.start();
		// The applications start while Zipkin does; each exports to Zipkin and over OTLP.
		for (Stack stack : Stack.values()) {
			apps.put(stack, startApplication(stack, zipkin.spansEndpoint(), otlp.tracesEndpoint()));
		}
		zipkin.awaitReady(Duration.ofSeconds(120));
		Path template = Path.of(System.getProperty("e2e.nginx-template", "nginx/nginx.conf"));
		for (Stack stack : Stack.values()) {
			int gatewayPort = ExternalProcess.freePort();
			int appPort = Integer.parseInt(apps.get(stack).getEnvironment().getProperty("local.server.port"));
			gatewayPorts.put(stack, gatewayPort);
			gateways.put(stack, Nginx.start(nginx, template, work.resolve("nginx-" + stack.name().toLowerCase()),
					gatewayPort, appPort));
		}
	}

	private static ConfigurableApplicationContext startApplication(Stack stack, String zipkinEndpoint,
			String otlpEndpoint) {
		return new SpringApplicationBuilder(OrdersApplication.class).run("--server.port=0",
				"--server.address=127.0.0.1", "--spring.main.web-application-type=" + stack.webApplicationType,
				"--spring.application.name=" + stack.serviceName(),
				"--management.tracing.export.zipkin.endpoint=" + zipkinEndpoint,
				"--management.opentelemetry.tracing.export.otlp.endpoint=" + otlpEndpoint,
				"--management.opentelemetry.tracing.export.schedule-delay=200ms", "--spring.main.banner-mode=off");
	}

	@AfterAll
	static void stopTheChain() {
		// Each one stopped whatever happened to the others.
		gateways.values().forEach((gateway) -> stopQuietly(gateway::close));
		apps.values().forEach((app) -> stopQuietly(app::close));
		if (zipkin != null) {
			stopQuietly(zipkin::close);
		}
		if (otlp != null) {
			stopQuietly(otlp::close);
		}
	}

	private static void stopQuietly(Runnable stop) {
		try {
			stop.run();
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
		}
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void gatewaySpanIsTheRootWithoutUpstreamTrace(Stack stack) {
		// A client cannot forge the gateway's headers: nginx, like API Gateway, replaces
		// them.
		Exchange exchange = send(stack, "GET", "/orders/1", null, "x-dd-proxy-stage", "forged");
		assertThat(exchange.response().statusCode()).isEqualTo(200);
		List<ZipkinSpan> trace = awaitTraceByPath(stack, "/orders/1", "http get /orders/{id}", "order.lookup");
		ZipkinSpan gateway = assertGatewayTree(trace, stack, exchange, null);
		assertGatewayAttributes(gateway, "GET", "/orders/1", "/orders/{id}", 200);
		assertThat(gateway.tagsOrEmpty()).doesNotContainKeys("error", "otel.status_code");
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void gatewaySpanIsTheChildOfTheUpstreamSpan(Stack stack) {
		Upstream upstream = Upstream.random();
		Exchange exchange = send(stack, "GET", "/orders/2", upstream);
		assertThat(exchange.response().statusCode()).isEqualTo(200);
		List<ZipkinSpan> trace = zipkin().awaitTrace(upstream.traceId(),
				containsNames(GATEWAY_SPAN, "http get /orders/{id}", "order.lookup"));
		ZipkinSpan gateway = assertGatewayTree(trace, stack, exchange, upstream);
		assertGatewayAttributes(gateway, "GET", "/orders/2", "/orders/{id}", 200);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void failedRequestMarksTheGatewaySpanAsAnError(Stack stack) {
		Upstream upstream = Upstream.random();
		Exchange exchange = send(stack, "POST", "/orders/1/refund", upstream);
		assertThat(exchange.response().statusCode()).isEqualTo(500);
		List<ZipkinSpan> trace = zipkin().awaitTrace(upstream.traceId(),
				containsNames(GATEWAY_SPAN, "http post /orders/{id}/refund"));
		ZipkinSpan gateway = assertGatewayTree(trace, stack, exchange, upstream);
		assertGatewayAttributes(gateway, "POST", "/orders/1/refund", "/orders/{id}/refund", 500);
		assertThat(gateway.tagsOrEmpty()).containsEntry("otel.status_code", "ERROR").containsKey("error");
		// The application's exception is recorded on the gateway span too.
		assertThat(gateway.annotationsOrEmpty()).anySatisfy(
				(annotation) -> assertThat(annotation.value()).contains("exception", "PaymentProviderException"));
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void clientErrorIsNotAnErrorOfTheGatewaySpan(Stack stack) {
		Upstream upstream = Upstream.random();
		Exchange exchange = send(stack, "GET", "/orders/404", upstream);
		assertThat(exchange.response().statusCode()).isEqualTo(404);
		List<ZipkinSpan> trace = zipkin().awaitTrace(upstream.traceId(),
				containsNames(GATEWAY_SPAN, "http get /orders/{id}"));
		ZipkinSpan gateway = assertGatewayTree(trace, stack, exchange, upstream);
		assertGatewayAttributes(gateway, "GET", "/orders/404", "/orders/{id}", 404);
		assertThat(gateway.tagsOrEmpty()).doesNotContainKey("error").doesNotContainEntry("otel.status_code", "ERROR");
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void asyncRequestEndsTheGatewaySpanAfterTheResponse(Stack stack) {
		Exchange exchange = send(stack, "GET", "/orders/3/shipment", null);
		assertThat(exchange.response().statusCode()).isEqualTo(200);
		List<ZipkinSpan> trace = awaitTraceByPath(stack, "/orders/3/shipment", "http get /orders/{id}/shipment",
				"carrier.track");
		ZipkinSpan gateway = assertGatewayTree(trace, stack, exchange, null);
		assertGatewayAttributes(gateway, "GET", "/orders/3/shipment", "/orders/{id}/shipment", 200);
		ZipkinSpan server = named(trace, "http get /orders/{id}/shipment");
		ZipkinSpan carrier = named(trace, "carrier.track");
		assertThat(carrier.parentId()).isEqualTo(server.id());
		assertThat(gateway.end()).isGreaterThanOrEqualTo(carrier.end());
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void slowRequestIsTimedFromTheGatewayReceiveTime(Stack stack) {
		Upstream upstream = Upstream.random();
		Exchange exchange = send(stack, "GET", "/orders/2/invoice", upstream);
		assertThat(exchange.response().statusCode()).isEqualTo(200);
		List<ZipkinSpan> trace = zipkin().awaitTrace(upstream.traceId(),
				containsNames(GATEWAY_SPAN, "http get /orders/{id}/invoice", "invoice.render"));
		ZipkinSpan gateway = assertGatewayTree(trace, stack, exchange, upstream);
		assertGatewayAttributes(gateway, "GET", "/orders/2/invoice", "/orders/{id}/invoice", 200);
		assertThat(gateway.duration()).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos() / 1000);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void routeWithoutResourceIsTheRouteTheApplicationMatched(Stack stack) {
		// nginx sends no resource path outside the API's resources, as a greedy resource
		// says nothing.
		Exchange exchange = send(stack, "GET", "/actuator/health", null);
		assertThat(exchange.response().statusCode()).isEqualTo(200);
		List<ZipkinSpan> trace = awaitTraceByPath(stack, "/actuator/health", "http get /actuator/health");
		ZipkinSpan gateway = assertGatewayTree(trace, stack, exchange, null);
		assertGatewayAttributes(gateway, "GET", "/actuator/health", "/actuator/health", 200);
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void zipkinShowsTheGatewayAsAServiceInFrontOfTheApplication(Stack stack) {
		// Found by its trace id: /orders/1 without an upstream trace is the root test's.
		Upstream upstream = Upstream.random();
		Exchange exchange = send(stack, "GET", "/orders/2", upstream);
		assertThat(exchange.response().statusCode()).isEqualTo(200);
		List<ZipkinSpan> trace = zipkin().awaitTrace(upstream.traceId(),
				containsNames(GATEWAY_SPAN, "http get /orders/{id}", "order.lookup"));
		assertThat(named(trace, GATEWAY_SPAN).serviceName()).as("the gateway span's service").isEqualTo(DOMAIN);
		assertThat(trace).filteredOn((span) -> !span.name().equals(GATEWAY_SPAN))
			.isNotEmpty()
			.allSatisfy((span) -> assertThat(span.serviceName()).as(span.name()).isEqualTo(stack.serviceName()));
		// Zipkin's dependency graph: an edge from the gateway to the application, and no
		// longer the application calling itself.
		List<Zipkin.DependencyLink> links = zipkin()
			.awaitDependencies((found) -> found.stream().anyMatch((link) -> link.child().equals(stack.serviceName())));
		assertThat(links).anySatisfy((link) -> {
			assertThat(link.parent()).isEqualTo(DOMAIN);
			assertThat(link.child()).isEqualTo(stack.serviceName());
		});
		assertThat(links).noneMatch((link) -> link.parent().equals(link.child()));
		assertThat(zipkin().serviceNames()).contains(DOMAIN, stack.serviceName());
	}

	@ParameterizedTest
	@EnumSource(Stack.class)
	void otlpExportHasTheGatewaySpanUnderTheGatewaysServiceAndTheOthersUnderTheApplications(Stack stack) {
		Upstream upstream = Upstream.random();
		Exchange exchange = send(stack, "GET", "/orders/2", upstream);
		assertThat(exchange.response().statusCode()).isEqualTo(200);
		List<OtlpCollector.ExportedSpan> trace = otlp().awaitTrace(upstream.traceId(),
				(spans) -> spans.stream()
					.map(OtlpCollector.ExportedSpan::name)
					.toList()
					.containsAll(List.of(GATEWAY_SPAN, "http get /orders/{id}", "order.lookup")));
		assertThat(trace).as("one gateway span").filteredOn((span) -> span.name().equals(GATEWAY_SPAN)).hasSize(1);
		OtlpCollector.ExportedSpan gateway = trace.stream()
			.filter((span) -> span.name().equals(GATEWAY_SPAN))
			.findFirst()
			.orElseThrow();
		assertThat(gateway.serviceName()).as("the gateway span's resource").isEqualTo(DOMAIN);
		assertThat(gateway.parentSpanId()).isEqualTo(upstream.spanId());
		List<OtlpCollector.ExportedSpan> others = trace.stream()
			.filter((span) -> !span.name().equals(GATEWAY_SPAN))
			.toList();
		assertThat(others)
			.allSatisfy((span) -> assertThat(span.serviceName()).as(span.name()).isEqualTo(stack.serviceName()));
		assertThat(others).filteredOn((span) -> span.name().equals("http get /orders/{id}"))
			.singleElement()
			.satisfies((server) -> assertThat(server.parentSpanId()).isEqualTo(gateway.spanId()));
		// Only the service differs: the gateway span's resource is otherwise the
		// application's.
		OtlpCollector.ExportedSpan server = others.get(0);
		assertThat(gateway.resourceAttribute("telemetry.sdk.language")).isEqualTo("java")
			.isEqualTo(server.resourceAttribute("telemetry.sdk.language"));
		assertThat(gateway.resource().getAttributesCount()).isEqualTo(server.resource().getAttributesCount());
	}

	/**
	 * Assert the tree: the gateway span is the root (or the child of the upstream span),
	 * the server span its child, and the gateway span starts when nginx received the
	 * request, before the server span, and ends after it.
	 */
	private static ZipkinSpan assertGatewayTree(List<ZipkinSpan> trace, Stack stack, Exchange exchange,
			@Nullable Upstream upstream) {
		ZipkinSpan gateway = named(trace, GATEWAY_SPAN);
		List<ZipkinSpan> servers = trace.stream()
			.filter((span) -> "SERVER".equals(span.kind()) && span.name().startsWith("http "))
			.toList();
		assertThat(servers).as("server spans").hasSize(1);
		ZipkinSpan server = servers.get(0);
		assertThat(gateway.kind()).isEqualTo("SERVER");
		assertThat(gateway.serviceName()).as("the gateway's own service").isEqualTo(DOMAIN);
		assertThat(server.serviceName()).isEqualTo(stack.serviceName());
		if (upstream != null) {
			assertThat(gateway.traceId()).isEqualTo(upstream.traceId());
			assertThat(gateway.parentId()).isEqualTo(upstream.spanId());
		}
		else {
			assertThat(gateway.parentId()).as("gateway span is the root").isNull();
		}
		assertThat(server.traceId()).isEqualTo(gateway.traceId());
		assertThat(server.parentId()).as("server span's parent").isEqualTo(gateway.id());
		assertThat(trace).as("one gateway span").filteredOn((span) -> span.name().equals(GATEWAY_SPAN)).hasSize(1);
		// nginx's clock, in milliseconds: no earlier than the client sent the request.
		assertThat(gateway.timestamp()).isBetween((exchange.sentAtMillis() - 1) * 1000,
				(exchange.receivedAtMillis() + 1) * 1000);
		assertThat(gateway.timestamp()).isLessThanOrEqualTo(server.timestamp());
		assertThat(gateway.end()).isGreaterThanOrEqualTo(server.end());
		return gateway;
	}

	/**
	 * Assert the gateway span's attributes (README.md, "What the gateway span carries"),
	 * both vocabularies, as nginx maps them.
	 */
	private static void assertGatewayAttributes(ZipkinSpan gateway, String method, String path, @Nullable String route,
			int status) {
		String arn = "arn:aws:apigateway:eu-west-3::/restapis/local0api1";
		Map<String, String> tags = gateway.tagsOrEmpty();
		assertThat(tags).containsEntry("component", "aws-apigateway")
			.containsEntry("span.type", "web")
			.containsEntry("operation.name", GATEWAY_SPAN)
			.containsEntry("resource.name", (route != null) ? method + " " + route : method)
			.containsEntry("service.name", DOMAIN)
			.containsEntry("server.address", DOMAIN)
			.containsEntry("http.method", method)
			.containsEntry("http.request.method", method)
			.containsEntry("http.url", "https://" + DOMAIN + path)
			.containsEntry("url.scheme", "https")
			.containsEntry("url.path", path)
			.containsEntry("stage", "local")
			.containsEntry("http.status_code", Integer.toString(status))
			.containsEntry("http.response.status_code", Integer.toString(status))
			.containsEntry("_dd.inferred_span", "1")
			.containsEntry("account_id", "123456789012")
			.containsEntry("cloud.account.id", "123456789012")
			.containsEntry("apiid", "local0api1")
			.containsEntry("region", "eu-west-3")
			.containsEntry("cloud.region", "eu-west-3")
			.containsEntry("dd_resource_key", arn)
			.containsEntry("cloud.resource_id", arn)
			.containsEntry("cloud.provider", "aws");
		// nginx's $request_id, standing in for API Gateway's context.requestId.
		assertThat(tags.get("request_id")).matches("[0-9a-f]{32}");
		assertThat(tags).containsEntry("aws.request_id", tags.get("request_id"));
		if (route != null) {
			assertThat(tags).containsEntry("http.route", route);
		}
		else {
			assertThat(tags).doesNotContainKey("http.route");
		}
		assertThat(tags.values()).as("no empty or null values").doesNotContain("", "null", "undefined");
	}

	private static List<ZipkinSpan> awaitTraceByPath(Stack stack, String path, String... names) {
		return zipkin().awaitTrace(stack.serviceName(),
				(span) -> GATEWAY_SPAN.equals(span.name()) && path.equals(span.tagsOrEmpty().get("url.path")),
				containsNames(names));
	}

	private static Predicate<List<ZipkinSpan>> containsNames(String... names) {
		return (trace) -> trace.stream().map(ZipkinSpan::name).toList().containsAll(List.of(names))
				&& trace.stream().anyMatch((span) -> GATEWAY_SPAN.equals(span.name()));
	}

	private static ZipkinSpan named(List<ZipkinSpan> trace, String name) {
		return trace.stream()
			.filter((span) -> span.name().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No span " + name + " in " + trace));
	}

	private static Zipkin zipkin() {
		assertThat(zipkin).isNotNull();
		return zipkin;
	}

	private static OtlpCollector otlp() {
		assertThat(otlp).isNotNull();
		return otlp;
	}

	private static Exchange send(Stack stack, String method, String path, @Nullable Upstream upstream,
			String... headers) {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + gatewayPorts.get(stack) + path))
			.timeout(Duration.ofSeconds(10))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (upstream != null) {
			request.header("traceparent", upstream.traceparent());
		}
		if (headers.length > 0) {
			request.headers(headers);
		}
		long sentAt = System.currentTimeMillis();
		try {
			HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
			return new Exchange(sentAt, System.currentTimeMillis(), response);
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					method + " " + path + " through nginx failed: " + gateways.get(stack).tail(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	record Exchange(long sentAtMillis, long receivedAtMillis, HttpResponse<String> response) {

	}

	record Upstream(String traceId, String spanId) {

		static Upstream random() {
			HexFormat hex = HexFormat.of();
			ThreadLocalRandom random = ThreadLocalRandom.current();
			return new Upstream(hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong()),
					hex.toHexDigits(random.nextLong()));
		}

		String traceparent() {
			return "00-" + this.traceId + "-" + this.spanId + "-01";
		}

	}

}
