package io.github.inferredproxy.benchmarks;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.reactive.InferredProxyHttpHandlerDecorator;
import io.github.inferredproxy.servlet.InferredProxyFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The path every request without gateway headers takes: is there an {@code x-dd-proxy}
 * header? The servlet filter and the WebFlux decorator, each around a handler that does
 * nothing, are compared with that handler alone ({@code baselineEmpty*}); the single
 * header lookup that any detection needs is measured too ({@code baseline*Lookup}). The
 * request has common browser headers and no gateway header.
 *
 * @author Inferred Proxy contributors
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HeaderDetectionBenchmark {

	private TracingFixture fixture;

	private MockHttpServletRequest servletRequest;

	private MockHttpServletResponse servletResponse;

	private HttpHeaders reactiveHeaders;

	private InferredProxyFilter filter;

	private MockServerHttpRequest reactiveRequest;

	private final MockServerHttpResponse reactiveResponse = new MockServerHttpResponse();

	private final Mono<Void> done = Mono.empty();

	private final HttpHandler emptyHandler = (request, response) -> this.done;

	private HttpHandler decorator;

	private final FilterChain emptyChain = (request, response) -> {
	};

	@Setup
	public void setUp() {
		this.fixture = TracingFixture.create(TracingFixture.TRACING, "both");
		this.servletRequest = new MockHttpServletRequest("GET", GatewayHeaders.PATH);
		MockServerHttpRequest.BaseBuilder<?> reactive = MockServerHttpRequest.get(GatewayHeaders.PATH);
		GatewayHeaders.common().forEach((name, value) -> {
			this.servletRequest.addHeader(name, value);
			reactive.header(name, value);
		});
		this.reactiveRequest = reactive.build();
		this.reactiveHeaders = this.reactiveRequest.getHeaders();
		this.servletResponse = new MockHttpServletResponse();
		this.filter = new InferredProxyFilter(this.fixture.observations);
		this.decorator = new InferredProxyHttpHandlerDecorator(this.emptyHandler, this.fixture.observations);
	}

	/**
	 * The one servlet header lookup that detection cannot avoid.
	 * @return the header value
	 */
	@Benchmark
	public @Nullable String baselineServletHeaderLookup() {
		return this.servletRequest.getHeader("x-dd-proxy");
	}

	/**
	 * The one reactive header lookup that detection cannot avoid.
	 * @return the header value
	 */
	@Benchmark
	public @Nullable String baselineReactiveHeaderLookup() {
		return this.reactiveHeaders.getFirst("x-dd-proxy");
	}

	/**
	 * An empty filter chain: the floor of {@link #filterWithoutGatewayHeaders()}.
	 */
	@Benchmark
	public void baselineEmptyChain() throws IOException, ServletException {
		this.emptyChain.doFilter(this.servletRequest, this.servletResponse);
	}

	/**
	 * The whole servlet filter for a request without gateway headers, including what
	 * Spring's {@code OncePerRequestFilter} does for every filter.
	 */
	@Benchmark
	public void filterWithoutGatewayHeaders() throws IOException, ServletException {
		this.filter.doFilter(this.servletRequest, this.servletResponse, this.emptyChain);
	}

	/**
	 * A handler that does nothing: the floor of
	 * {@link #decoratorWithoutGatewayHeaders()}.
	 * @return the handling
	 */
	@Benchmark
	public Mono<Void> baselineEmptyHandler() {
		return this.emptyHandler.handle(this.reactiveRequest, this.reactiveResponse);
	}

	/**
	 * The whole WebFlux decorator for a request without gateway headers.
	 * @return the handling
	 */
	@Benchmark
	public Mono<Void> decoratorWithoutGatewayHeaders() {
		return this.decorator.handle(this.reactiveRequest, this.reactiveResponse);
	}

}
