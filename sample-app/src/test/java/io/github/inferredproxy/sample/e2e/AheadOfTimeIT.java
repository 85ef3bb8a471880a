package io.github.inferredproxy.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample, processed ahead of time by the build ({@code spring-boot:process-aot}), run
 * as a user runs it ({@code java -Dspring.aot.enabled=true}): AOT fixes the conditions at
 * build time, so the switches must still work when the application starts.
 */
class AheadOfTimeIT {

	private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final Path work = Path.of(System.getProperty("e2e.work-dir", "target/e2e")).toAbsolutePath();

	@Test
	void gatewaySpansAreOnByDefault() {
		try (ExternalProcess app = startAotApplication("aot-on", Map.of())) {
			int port = port(app);
			assertThat(app.log()).contains("Starting AOT-processed OrdersApplication");
			assertThat(get(port, "/orders/1", gatewayHeaders()).statusCode()).isEqualTo(200);
			assertThat(get(port, "/actuator/metrics/inferred.proxy.requests", List.of()).statusCode())
				.as("the gateway timer")
				.isEqualTo(200);
			// The conditions were evaluated at build time: the endpoint tells the state
			// at run time.
			assertThat(get(port, "/actuator/inferredproxy", List.of()).body()).contains("\"active\":true")
				.contains("\"accepted\":1");
		}
	}

	@Test
	void datadogsSwitchTurnsThemOffAtRunTime() {
		assertSwitchedOff(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "false"), List.of(),
				"dd.trace.inferred.proxy.services.enabled=false");
	}

	@Test
	void propertyTurnsThemOffAtRunTime() {
		assertSwitchedOff(Map.of(), List.of("--inferred-proxy.enabled=false"), "inferred-proxy.enabled=false");
	}

	private void assertSwitchedOff(Map<String, String> environment, List<String> arguments, String reason) {
		try (ExternalProcess app = startAotApplication("aot-off", environment, arguments)) {
			int port = port(app);
			assertThat(app.log()).contains("Starting AOT-processed OrdersApplication")
				.contains("Inferred gateway spans are off at run time")
				.contains(reason);
			assertThat(get(port, "/orders/1", gatewayHeaders()).statusCode()).isEqualTo(200);
			// Spring's own server timer is there; the gateway's is not.
			assertThat(get(port, "/actuator/metrics/http.server.requests", List.of()).statusCode()).isEqualTo(200);
			assertThat(get(port, "/actuator/metrics/inferred.proxy.requests", List.of()).statusCode())
				.as("the gateway timer")
				.isEqualTo(404);
			assertThat(get(port, "/actuator/inferredproxy", List.of()).body()).contains("\"active\":false")
				.contains("switched off by " + reason);
		}
	}

	private ExternalProcess startAotApplication(String name, Map<String, String> environment) {
		return startAotApplication(name, environment, List.of());
	}

	private ExternalProcess startAotApplication(String name, Map<String, String> environment, List<String> arguments) {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Dspring.aot.enabled=true", "-XX:TieredStopAtLevel=1",
				"-cp", classpath(), "io.github.inferredproxy.sample.OrdersApplication", "--server.port=0",
				"--server.address=127.0.0.1", "--sample.trace-tree.enabled=false", "--spring.main.banner-mode=off"));
		command.addAll(arguments);
		ExternalProcess app = ExternalProcess.start(name, command, environment, this.work.resolve(name + ".log"));
		try {
			app.awaitReady(Duration.ofSeconds(60), () -> app.log().contains("Started OrdersApplication"));
			return app;
		}
		catch (RuntimeException ex) {
			app.close();
			throw ex;
		}
	}

	/**
	 * The processed classes and the runtime classpath the build wrote down, as a user's
	 * {@code java -cp} would have them.
	 */
	private String classpath() {
		try {
			String dependencies = Files.readString(Path.of(System.getProperty("e2e.runtime-classpath"))).strip();
			return System.getProperty("e2e.classes") + java.io.File.pathSeparator + dependencies;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static int port(ExternalProcess app) {
		// "Tomcat started on port 41234 (http) with context path '/'"
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("Tomcat started on port (\\d+)")
			.matcher(app.log());
		assertThat(matcher.find()).as("the port in the log").isTrue();
		return Integer.parseInt(matcher.group(1));
	}

	private static List<String> gatewayHeaders() {
		return List.of("x-dd-proxy", "aws-apigateway", "x-dd-proxy-request-time-ms",
				Long.toString(System.currentTimeMillis() - 50), "x-dd-proxy-domain-name", "api.example.com",
				"x-dd-proxy-httpmethod", "GET", "x-dd-proxy-path", "/orders/1", "x-dd-proxy-stage", "prod",
				"x-dd-proxy-resource-path", "/orders/{id}");
	}

	private static HttpResponse<String> get(int port, String path, List<String> headers) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10));
		if (!headers.isEmpty()) {
			request.headers(headers.toArray(String[]::new));
		}
		try {
			return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
