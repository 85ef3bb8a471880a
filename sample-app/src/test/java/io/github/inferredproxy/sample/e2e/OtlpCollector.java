package io.github.inferredproxy.sample.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A stand-in OpenTelemetry collector: accepts OTLP/HTTP protobuf trace exports on
 * loopback, keeps them decoded, and answers as a collector does.
 */
final class OtlpCollector implements AutoCloseable {

	private final HttpServer server;

	private final ConcurrentLinkedQueue<ExportTraceServiceRequest> requests = new ConcurrentLinkedQueue<>();

	private OtlpCollector(HttpServer server) {
		this.server = server;
	}

	static OtlpCollector start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			OtlpCollector collector = new OtlpCollector(server);
			server.createContext("/v1/traces", collector::receive);
			server.start();
			return collector;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot start the stand-in OTLP collector", ex);
		}
	}

	String tracesEndpoint() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	private void receive(HttpExchange exchange) throws IOException {
		try (exchange) {
			InputStream body = exchange.getRequestBody();
			if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
				body = new GZIPInputStream(body);
			}
			this.requests.add(ExportTraceServiceRequest.parseFrom(body.readAllBytes()));
			// An empty ExportTraceServiceResponse: everything accepted.
			exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
			exchange.sendResponseHeaders(200, -1);
		}
	}

	/**
	 * Poll until the spans of a trace, each with the resource it was exported under,
	 * satisfy the condition.
	 */
	List<ExportedSpan> awaitTrace(String traceId, Predicate<List<ExportedSpan>> complete) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < deadline) {
			Optional<List<ExportedSpan>> trace = Optional.of(spansOf(traceId)).filter(complete);
			if (trace.isPresent()) {
				return trace.get();
			}
			ExternalProcess.sleep(Duration.ofMillis(100));
		}
		throw new AssertionError(
				"The OTLP collector did not receive trace " + traceId + " within 30 s: " + spansOf(traceId));
	}

	private List<ExportedSpan> spansOf(String traceId) {
		List<ExportedSpan> spans = new ArrayList<>();
		for (ExportTraceServiceRequest request : this.requests) {
			for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
				for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
					for (Span span : scopeSpans.getSpansList()) {
						if (hex(span.getTraceId().toByteArray()).equals(traceId)) {
							spans.add(new ExportedSpan(span, resourceSpans.getResource()));
						}
					}
				}
			}
		}
		return spans;
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

	/**
	 * A span as an OTLP backend receives it: with the resource it was exported under.
	 */
	record ExportedSpan(Span span, Resource resource) {

		String name() {
			return this.span.getName();
		}

		String spanId() {
			return hex(this.span.getSpanId().toByteArray());
		}

		String parentSpanId() {
			return hex(this.span.getParentSpanId().toByteArray());
		}

		/**
		 * A resource attribute, as text; {@code null} when absent.
		 */
		String resourceAttribute(String key) {
			return this.resource.getAttributesList()
				.stream()
				.filter((attribute) -> attribute.getKey().equals(key))
				.map(KeyValue::getValue)
				.map((value) -> value.getStringValue())
				.findFirst()
				.orElse(null);
		}

		String serviceName() {
			return resourceAttribute("service.name");
		}

		@Override
		public String toString() {
			return name() + " [" + serviceName() + "]";
		}

	}

}
