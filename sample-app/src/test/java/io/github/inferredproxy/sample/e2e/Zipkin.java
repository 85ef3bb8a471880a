package io.github.inferredproxy.sample.e2e;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Zipkin server (the exec jar from Maven Central) and the part of its HTTP API
 * that the test reads traces back with.
 */
final class Zipkin implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final ExternalProcess process;

	private final int port;

	private Zipkin(ExternalProcess process, int port) {
		this.process = process;
		this.port = port;
	}

	static Zipkin start(Path jar, Path log) {
		int port = ExternalProcess.freePort();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		ExternalProcess process = ExternalProcess.start("zipkin",
				List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString(),
						"--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].port=" + port,
						"--armeria.ports[0].protocols[0]=http", "--logging.level.root=WARN"),
				log);
		return new Zipkin(process, port);
	}

	void awaitReady(Duration timeout) {
		this.process.awaitReady(timeout, () -> {
			try {
				return get("/health").statusCode() == 200;
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	String spansEndpoint() {
		return "http://127.0.0.1:" + this.port + "/api/v2/spans";
	}

	/**
	 * Poll until the trace satisfies the condition.
	 */
	List<ZipkinSpan> awaitTrace(String traceId, Predicate<List<ZipkinSpan>> complete) {
		return await("trace " + traceId, () -> {
			HttpResponse<String> response = get("/api/v2/trace/" + traceId);
			return (response.statusCode() == 200) ? Optional.of(json.readValue(response.body(), SPANS)).filter(complete)
					: Optional.empty();
		});
	}

	/**
	 * Poll until a trace of the service has a span that matches and the trace satisfies
	 * the condition.
	 */
	List<ZipkinSpan> awaitTrace(String serviceName, Predicate<ZipkinSpan> span, Predicate<List<ZipkinSpan>> complete) {
		String query = "/api/v2/traces?limit=1000&lookback=3600000&serviceName="
				+ URLEncoder.encode(serviceName, StandardCharsets.UTF_8);
		return await("a trace of " + serviceName, () -> {
			HttpResponse<String> response = get(query);
			if (response.statusCode() != 200) {
				return Optional.empty();
			}
			List<List<ZipkinSpan>> traces = json.readValue(response.body(), TRACES);
			return traces.stream().filter((trace) -> trace.stream().anyMatch(span)).filter(complete).findFirst();
		});
	}

	/**
	 * Poll until the dependency links of the last hour satisfy the condition.
	 */
	List<DependencyLink> awaitDependencies(Predicate<List<DependencyLink>> complete) {
		return await("dependency links", () -> {
			HttpResponse<String> response = get(
					"/api/v2/dependencies?lookback=3600000&endTs=" + (System.currentTimeMillis() + 60_000));
			return (response.statusCode() == 200) ? Optional.of(json.readValue(response.body(), LINKS)).filter(complete)
					: Optional.empty();
		});
	}

	List<String> serviceNames() {
		return await("service names", () -> {
			HttpResponse<String> response = get("/api/v2/services");
			return (response.statusCode() == 200) ? Optional.of(json.readValue(response.body(), NAMES))
					: Optional.empty();
		});
	}

	private <T> T await(String what, Query<T> query) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			try {
				Optional<T> result = query.run();
				if (result.isPresent()) {
					return result.get();
				}
			}
			catch (IOException ex) {
				// Not there yet.
			}
			ExternalProcess.sleep(Duration.ofMillis(250));
		}
		throw new AssertionError("Zipkin did not receive " + what + " within 30 s");
	}

	private HttpResponse<String> get(String path) throws IOException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(5))
			.build();
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	@Override
	public void close() {
		this.process.close();
	}

	private static final TypeReference<List<ZipkinSpan>> SPANS = new TypeReference<>() {
	};

	private static final TypeReference<List<List<ZipkinSpan>>> TRACES = new TypeReference<>() {
	};

	private static final TypeReference<List<DependencyLink>> LINKS = new TypeReference<>() {
	};

	private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
	};

	@FunctionalInterface
	private interface Query<T> {

		Optional<T> run() throws IOException;

	}

	/**
	 * An edge of Zipkin's dependency graph: {@code parent} calls {@code child}.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record DependencyLink(String parent, String child, long callCount) {

	}

	/**
	 * A span in Zipkin's v2 model: timestamps and durations in microseconds.
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	record ZipkinSpan(String traceId, @Nullable String parentId, String id, @Nullable String kind, String name,
			long timestamp, long duration, @Nullable Endpoint localEndpoint, @Nullable List<Annotation> annotations,
			@Nullable Map<String, String> tags) {

		Map<String, String> tagsOrEmpty() {
			return (this.tags != null) ? this.tags : Map.of();
		}

		List<Annotation> annotationsOrEmpty() {
			return (this.annotations != null) ? this.annotations : List.of();
		}

		long end() {
			return this.timestamp + this.duration;
		}

		String serviceName() {
			return (this.localEndpoint != null) ? this.localEndpoint.serviceName() : null;
		}

	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Endpoint(String serviceName) {

	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Annotation(long timestamp, String value) {

	}

}
