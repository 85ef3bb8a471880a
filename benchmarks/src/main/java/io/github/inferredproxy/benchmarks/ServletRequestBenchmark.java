package io.github.inferredproxy.benchmarks;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.servlet.InferredProxyFilter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * One Spring MVC request through the filter chain that Spring Boot builds: Spring's
 * {@link ServerHttpObservationFilter} ({@code http.server.requests}) and, with the
 * starter, the {@link InferredProxyFilter} outside it, in front of a servlet that only
 * sets the route as Spring MVC's handler mapping does.
 * <ul>
 * <li>{@code serverObservation*}: the application without the starter;</li>
 * <li>{@code starter*}: with the starter;</li>
 * <li>{@code *GatewayHeaders} / {@code *NoGatewayHeaders}: the same request with and
 * without the gateway's headers;</li>
 * <li>{@code bareOtelSpan}: one span started and ended on the same SDK, the floor;</li>
 * <li>{@code otelSpanWithGatewayAttributes}: the same with the gateway span's attributes
 * and start time, set directly on the SDK.</li>
 * </ul>
 * The gateway span's cost is
 * {@code starterGatewayHeaders - serverObservationGatewayHeaders}.
 *
 * @author Inferred Proxy contributors
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ServletRequestBenchmark {

	/**
	 * The observation handlers: tracing alone, or tracing and meters.
	 */
	@Param({ TracingFixture.TRACING, TracingFixture.TRACING_AND_METRICS })
	public String handlers;

	/**
	 * The gateway span's attribute vocabulary ({@code both}, the default, or
	 * {@code opentelemetry} or {@code datadog}: {@code -p vocabulary=...}).
	 */
	@Param({ "both" })
	public String vocabulary;

	private TracingFixture fixture;

	private long gatewayStartMillis;

	private Chains chains;

	@Setup
	public void setUp() throws Exception {
		TracingFixture recording = TracingFixture.recording(this.handlers, this.vocabulary);
		Chains check = new Chains(recording);
		check.run(check.withoutStarter, check.gatewayRequest);
		recording.verify("serverObservationGatewayHeaders", false);
		check.run(check.withStarter, check.gatewayRequest);
		SpanData gatewaySpan = recording.verify("starterGatewayHeaders", true);
		check.run(check.withStarter, check.plainRequest);
		recording.verify("starterNoGatewayHeaders", false);
		this.fixture = TracingFixture.create(this.handlers, this.vocabulary);
		this.fixture.useAttributesOf(Objects.requireNonNull(gatewaySpan));
		this.chains = new Chains(this.fixture);
	}

	@Setup(Level.Iteration)
	public void refreshGatewayTime() {
		// The gateway time must stay within the maximum age, however long the run.
		this.gatewayStartMillis = System.currentTimeMillis() - 250;
		this.chains.gatewayRequest.removeHeader("x-dd-proxy-request-time-ms");
		this.chains.gatewayRequest.addHeader("x-dd-proxy-request-time-ms",
				Long.toString(System.currentTimeMillis() - 250));
	}

	@Benchmark
	public void bareOtelSpan() {
		this.fixture.bareSpan();
	}

	@Benchmark
	public void otelSpanWithGatewayAttributes() {
		this.fixture.attributedSpan(this.gatewayStartMillis);
	}

	@Benchmark
	public MockHttpServletResponse serverObservationGatewayHeaders() throws Exception {
		return this.chains.run(this.chains.withoutStarter, this.chains.gatewayRequest);
	}

	@Benchmark
	public MockHttpServletResponse starterGatewayHeaders() throws Exception {
		return this.chains.run(this.chains.withStarter, this.chains.gatewayRequest);
	}

	@Benchmark
	public MockHttpServletResponse serverObservationNoGatewayHeaders() throws Exception {
		return this.chains.run(this.chains.withoutStarter, this.chains.plainRequest);
	}

	@Benchmark
	public MockHttpServletResponse starterNoGatewayHeaders() throws Exception {
		return this.chains.run(this.chains.withStarter, this.chains.plainRequest);
	}

	/**
	 * The two filter chains and the two requests, reused: each run clears what the
	 * previous one left in them.
	 */
	static final class Chains {

		final MockFilterChain withoutStarter;

		final MockFilterChain withStarter;

		final MockHttpServletRequest gatewayRequest = new MockHttpServletRequest("GET", GatewayHeaders.PATH);

		final MockHttpServletRequest plainRequest = new MockHttpServletRequest("GET", GatewayHeaders.PATH);

		final MockHttpServletResponse response = new MockHttpServletResponse();

		Chains(TracingFixture fixture) {
			Servlet servlet = new RouteServlet();
			Filter serverObservation = new ServerHttpObservationFilter(fixture.registry);
			this.withoutStarter = new MockFilterChain(servlet, serverObservation);
			this.withStarter = new MockFilterChain(servlet, new InferredProxyFilter(fixture.observations),
					serverObservation);
			add(this.gatewayRequest, GatewayHeaders.withGateway(System.currentTimeMillis() - 250));
			add(this.plainRequest, GatewayHeaders.common());
		}

		private static void add(MockHttpServletRequest request, Map<String, String> headers) {
			headers.forEach(request::addHeader);
		}

		MockHttpServletResponse run(MockFilterChain chain, MockHttpServletRequest request)
				throws IOException, ServletException {
			// The filters keep their observations in request attributes.
			request.clearAttributes();
			this.response.reset();
			chain.reset();
			chain.doFilter(request, this.response);
			return this.response;
		}

	}

	/**
	 * Sets the route as Spring MVC's handler mapping does, and answers 200.
	 */
	@SuppressWarnings("serial")
	static final class RouteServlet extends HttpServlet {

		@Override
		protected void service(HttpServletRequest request, HttpServletResponse response) {
			ServerHttpObservationFilter.findObservationContext(request)
				.ifPresent((context) -> context.setPathPattern(GatewayHeaders.ROUTE));
			response.setStatus(200);
		}

	}

}
