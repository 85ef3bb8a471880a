package io.github.inferredproxy.benchmarks;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.reactive.InferredProxyHttpHandlerDecorator;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.opentelemetry.sdk.trace.data.SpanData;
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
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * One Spring WebFlux request through Spring's {@code HttpWebHandlerAdapter}, which
 * observes it as {@code http.server.requests}, and, with the starter, the
 * {@link InferredProxyHttpHandlerDecorator} around it, in front of a handler that only
 * sets the route as WebFlux's handler mapping does. Same variants as
 * {@link ServletRequestBenchmark}.
 *
 * @author Inferred Proxy contributors
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 10, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ReactiveRequestBenchmark {

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

	/**
	 * Reactor's context propagation: {@code limited} (Spring Boot's default) or
	 * {@code auto} ({@code spring.reactor.context-propagation=auto}, which restores the
	 * thread locals on signals: {@code -p propagation=limited,auto}).
	 */
	@Param({ "limited" })
	public String propagation;

	private TracingFixture fixture;

	private long gatewayStartMillis;

	private Handlers handlersUnderTest;

	private MockServerHttpRequest gatewayRequest;

	private MockServerHttpRequest plainRequest;

	@Setup
	public void setUp() {
		if ("auto".equals(this.propagation)) {
			Hooks.enableAutomaticContextPropagation();
		}
		else if (!"limited".equals(this.propagation)) {
			throw new IllegalArgumentException("Unknown propagation: " + this.propagation);
		}
		TracingFixture recording = TracingFixture.recording(this.handlers, this.vocabulary);
		// Where Reactor's thread-local restoring finds the current observation.
		ObservationThreadLocalAccessor.getInstance().setObservationRegistry(recording.registry);
		Handlers check = new Handlers(recording);
		refreshGatewayTime();
		run(check.withoutStarter, this.gatewayRequest);
		recording.verify("serverObservationGatewayHeaders", false);
		run(check.withStarter, this.gatewayRequest);
		SpanData gatewaySpan = recording.verify("starterGatewayHeaders", true);
		run(check.withStarter, this.plainRequest);
		recording.verify("starterNoGatewayHeaders", false);
		this.fixture = TracingFixture.create(this.handlers, this.vocabulary);
		this.fixture.useAttributesOf(Objects.requireNonNull(gatewaySpan));
		this.handlersUnderTest = new Handlers(this.fixture);
		ObservationThreadLocalAccessor.getInstance().setObservationRegistry(this.fixture.registry);
	}

	@Setup(Level.Iteration)
	public void refreshGatewayTime() {
		// The gateway time must stay within the maximum age, however long the run.
		this.gatewayStartMillis = System.currentTimeMillis() - 250;
		MockServerHttpRequest.BaseBuilder<?> gateway = MockServerHttpRequest.get(GatewayHeaders.PATH);
		GatewayHeaders.withGateway(System.currentTimeMillis() - 250).forEach(gateway::header);
		this.gatewayRequest = gateway.build();
		MockServerHttpRequest.BaseBuilder<?> plain = MockServerHttpRequest.get(GatewayHeaders.PATH);
		GatewayHeaders.common().forEach(plain::header);
		this.plainRequest = plain.build();
	}

	private static MockServerHttpResponse run(HttpHandler handler, MockServerHttpRequest request) {
		MockServerHttpResponse response = new MockServerHttpResponse();
		handler.handle(request, response).block();
		return response;
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
	public MockServerHttpResponse serverObservationGatewayHeaders() {
		return run(this.handlersUnderTest.withoutStarter, this.gatewayRequest);
	}

	@Benchmark
	public MockServerHttpResponse starterGatewayHeaders() {
		return run(this.handlersUnderTest.withStarter, this.gatewayRequest);
	}

	@Benchmark
	public MockServerHttpResponse serverObservationNoGatewayHeaders() {
		return run(this.handlersUnderTest.withoutStarter, this.plainRequest);
	}

	@Benchmark
	public MockServerHttpResponse starterNoGatewayHeaders() {
		return run(this.handlersUnderTest.withStarter, this.plainRequest);
	}

	static final class Handlers {

		final HttpHandler withoutStarter;

		final HttpHandler withStarter;

		Handlers(TracingFixture fixture) {
			WebHandler routeHandler = (exchange) -> {
				ServerRequestObservationContext.findCurrent(exchange.getAttributes())
					.ifPresent((context) -> context.setPathPattern(GatewayHeaders.ROUTE));
				exchange.getResponse().setStatusCode(HttpStatus.OK);
				return Mono.empty();
			};
			this.withoutStarter = WebHttpHandlerBuilder.webHandler(routeHandler)
				.observationRegistry(fixture.registry)
				.build();
			this.withStarter = new InferredProxyHttpHandlerDecorator(this.withoutStarter, fixture.observations);
		}

	}

}
