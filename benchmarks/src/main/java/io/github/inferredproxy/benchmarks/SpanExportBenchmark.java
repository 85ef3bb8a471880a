package io.github.inferredproxy.benchmarks;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.observation.GatewayServiceSpanFilter;
import io.micrometer.tracing.exporter.SpanFilter;
import io.micrometer.tracing.otel.bridge.CompositeSpanExporter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.exporter.internal.otlp.traces.SpanReusableDataMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What exporting a request's spans costs Spring Boot's OpenTelemetry pipeline, per
 * request, with and without the gateway span: the spans of {@value #REQUESTS} recorded
 * Spring MVC requests (as {@link ServletRequestBenchmark} makes them), exported in one
 * batch as Boot's {@code BatchSpanProcessor} hands them over, through Micrometer's
 * {@link CompositeSpanExporter} (which Boot always puts in front of the exporters) into
 * the OTLP exporter's own marshaller, written to a stream that discards the bytes: the
 * export threads' CPU without the HTTP call.
 * <ul>
 * <li>{@code exportStarterOff}: the server spans alone, no span filter (the starter
 * off);</li>
 * <li>{@code exportStarterOn}: the server and the gateway spans, with the starter's
 * {@link GatewayServiceSpanFilter};</li>
 * <li>{@code exportStarterOnWithoutFilter}: the same without the filter (what the
 * gateway's own service costs is the difference);</li>
 * <li>{@code marshalStarterOff}, {@code marshalStarterOn}: the OTLP marshaller alone,
 * without Micrometer's copy of every span;</li>
 * <li>{@code copyOnceStarterOff}, {@code copyOnceStarterOn}: a model of that copy which
 * builds each span's attributes and resource once ({@link CopiedOnce}), where
 * Micrometer's copy builds them again on every read (the marshaller reads them several
 * times per span): what the export would cost if Micrometer kept what it built.</li>
 * </ul>
 * The marshaller ({@code SpanReusableDataMarshaler}, as {@code OtlpHttpSpanExporter}
 * builds it in its default memory mode) is OpenTelemetry's internal API: this benchmark
 * follows it when the SDK version changes.
 *
 * @author Inferred Proxy contributors
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SpanExportBenchmark {

	/**
	 * Requests per exported batch (Boot's batch span processor exports up to 512 spans).
	 */
	static final int REQUESTS = 200;

	/**
	 * The gateway span's attribute vocabulary, as in {@link ServletRequestBenchmark}.
	 */
	@Param({ "both" })
	public String vocabulary;

	private List<SpanData> serverSpansOnly;

	private List<SpanData> serverAndGatewaySpans;

	private DiscardingOtlpExporter otlp;

	private SpanExporter compositeWithFilter;

	private SpanExporter compositeWithoutFilter;

	@Setup
	public void setUp() throws Exception {
		TracingFixture recording = TracingFixture.recording(TracingFixture.TRACING, this.vocabulary);
		InMemorySpanExporter recorded = Objects.requireNonNull(recording.exporter);
		ServletRequestBenchmark.Chains chains = new ServletRequestBenchmark.Chains(recording);
		for (int i = 0; i < REQUESTS; i++) {
			chains.run(chains.withoutStarter, chains.gatewayRequest);
		}
		this.serverSpansOnly = spans(recorded, REQUESTS);
		for (int i = 0; i < REQUESTS; i++) {
			chains.run(chains.withStarter, chains.gatewayRequest);
		}
		this.serverAndGatewaySpans = spans(recorded, 2 * REQUESTS);
		if (this.serverAndGatewaySpans.stream().noneMatch((span) -> span.getName().equals("aws.apigateway"))) {
			throw new IllegalStateException("No gateway span recorded: " + this.serverAndGatewaySpans.get(0));
		}
		this.otlp = new DiscardingOtlpExporter();
		this.compositeWithFilter = new CompositeSpanExporter(List.of(this.otlp), null, null,
				List.of(new GatewayServiceSpanFilter()));
		this.compositeWithoutFilter = new CompositeSpanExporter(List.of(this.otlp), null, null, null);
		String service = gatewayServiceAfter(List.of(new GatewayServiceSpanFilter()));
		if (!service.equals("api.example.com") || gatewayServiceAfter(null).equals(service)) {
			throw new IllegalStateException("The filter did not give the gateway span its service: " + service);
		}
		// The request body's size, for the record: what the gateway span adds on the
		// wire.
		long serverOnly = bytes(this.otlp, this.serverSpansOnly);
		long withGateway = bytes(this.otlp, this.serverAndGatewaySpans);
		System.out.printf("OTLP bytes per request: %d with the server span alone, %d with the gateway span too%n",
				serverOnly / REQUESTS, withGateway / REQUESTS);
		// The model must export what Micrometer's copy exports.
		long throughMicrometer = bytes(this.compositeWithoutFilter, this.serverAndGatewaySpans);
		long copiedOnce = bytes(this.otlp, CopiedOnce.copy(this.serverAndGatewaySpans));
		if (copiedOnce != throughMicrometer) {
			throw new IllegalStateException(
					"The model copy exports " + copiedOnce + " bytes, Micrometer's copy " + throughMicrometer);
		}
	}

	private long bytes(SpanExporter exporter, List<SpanData> spans) {
		long before = this.otlp.sink.bytes;
		exporter.export(spans);
		return this.otlp.sink.bytes - before;
	}

	private static List<SpanData> spans(InMemorySpanExporter recorded, int expected) {
		List<SpanData> spans = new ArrayList<>(recorded.getFinishedSpanItems());
		recorded.reset();
		if (spans.size() != expected) {
			throw new IllegalStateException("Expected " + expected + " spans, recorded " + spans.size());
		}
		return spans;
	}

	/**
	 * The service the gateway span leaves Micrometer's exporter under.
	 * @param filters the span filters, or none
	 * @return the service: the gateway's own with the starter's filter
	 */
	private String gatewayServiceAfter(@Nullable List<SpanFilter> filters) {
		InMemorySpanExporter received = InMemorySpanExporter.create();
		new CompositeSpanExporter(List.of(received), null, null, filters).export(this.serverAndGatewaySpans);
		SpanData gateway = received.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getName().equals("aws.apigateway"))
			.findFirst()
			.orElseThrow();
		return String.valueOf(gateway.getResource().getAttribute(AttributeKey.stringKey("service.name")));
	}

	@Benchmark
	@OperationsPerInvocation(REQUESTS)
	public CompletableResultCode exportStarterOff() {
		return this.compositeWithoutFilter.export(this.serverSpansOnly);
	}

	@Benchmark
	@OperationsPerInvocation(REQUESTS)
	public CompletableResultCode exportStarterOn() {
		return this.compositeWithFilter.export(this.serverAndGatewaySpans);
	}

	@Benchmark
	@OperationsPerInvocation(REQUESTS)
	public CompletableResultCode exportStarterOnWithoutFilter() {
		return this.compositeWithoutFilter.export(this.serverAndGatewaySpans);
	}

	@Benchmark
	@OperationsPerInvocation(REQUESTS)
	public CompletableResultCode marshalStarterOff() {
		return this.otlp.export(this.serverSpansOnly);
	}

	@Benchmark
	@OperationsPerInvocation(REQUESTS)
	public CompletableResultCode marshalStarterOn() {
		return this.otlp.export(this.serverAndGatewaySpans);
	}

	@Benchmark
	@OperationsPerInvocation(REQUESTS)
	public CompletableResultCode copyOnceStarterOff() {
		return this.otlp.export(CopiedOnce.copy(this.serverSpansOnly));
	}

	@Benchmark
	@OperationsPerInvocation(REQUESTS)
	public CompletableResultCode copyOnceStarterOn() {
		return this.otlp.export(CopiedOnce.copy(this.serverAndGatewaySpans));
	}

	/**
	 * A copy of a span as Micrometer's {@code OtelFinishedSpan} makes it (its attributes
	 * and resource attributes into hash maps, where span filters may change them), whose
	 * attributes and resource are then built once, not on every read.
	 */
	static final class CopiedOnce extends DelegatingSpanData {

		private final Attributes attributes;

		private final Resource resource;

		private CopiedOnce(SpanData span) {
			super(span);
			Map<AttributeKey<?>, Object> tags = new HashMap<>();
			span.getAttributes().forEach(tags::put);
			Map<AttributeKey<?>, Object> resources = new HashMap<>(span.getResource().getAttributes().asMap());
			this.attributes = build(tags);
			this.resource = Resource.create(build(resources));
		}

		@SuppressWarnings("unchecked")
		private static Attributes build(Map<AttributeKey<?>, Object> values) {
			AttributesBuilder builder = Attributes.builder();
			values.forEach((key, value) -> builder.put((AttributeKey<Object>) key, value));
			return builder.build();
		}

		static List<SpanData> copy(List<SpanData> spans) {
			List<SpanData> copies = new ArrayList<>(spans.size());
			for (SpanData span : spans) {
				copies.add(new CopiedOnce(span));
			}
			return copies;
		}

		@Override
		public Attributes getAttributes() {
			return this.attributes;
		}

		@Override
		public Resource getResource() {
			return this.resource;
		}

	}

	/**
	 * {@code OtlpHttpSpanExporter} without the HTTP call: its marshaller, in its default
	 * memory mode, writing the request body to a stream that counts and drops the bytes.
	 */
	static final class DiscardingOtlpExporter implements SpanExporter {

		private final CountingSink sink = new CountingSink();

		private final SpanReusableDataMarshaler marshaler = new SpanReusableDataMarshaler(MemoryMode.REUSABLE_DATA,
				(request, spanCount) -> {
					try {
						request.writeBinaryTo(this.sink);
						return CompletableResultCode.ofSuccess();
					}
					catch (IOException ex) {
						return CompletableResultCode.ofFailure();
					}
				});

		@Override
		public CompletableResultCode export(Collection<SpanData> spans) {
			return this.marshaler.export(spans);
		}

		@Override
		public CompletableResultCode flush() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

	}

	/**
	 * Counts the bytes, keeps none (the count stops the JIT from dropping the writes).
	 */
	static final class CountingSink extends OutputStream {

		long bytes;

		@Override
		public void write(int b) {
			this.bytes++;
		}

		@Override
		public void write(byte[] b, int off, int len) {
			this.bytes += len;
		}

	}

}
