package io.github.inferredproxy.reactive.slice;

import java.time.Instant;
import java.util.List;

import io.github.inferredproxy.reactive.slice.SliceTestApplication.OrderController;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How to assert the gateway span in a {@code @WebFluxTest} of your own controller.
 * <p>
 * The slice includes the inferred proxy auto-configuration and {@link WebTestClient}
 * applies its {@code HttpHandlerDecoratorFactory}. A slice has no tracer and no
 * {@code http.server.requests} observation by default: {@code @AutoConfigureTracing}
 * brings the observation registry and Boot's tracing handlers, and Micrometer's
 * {@link SimpleTracer} records the spans in memory.
 */
@WebFluxTest(OrderController.class)
@AutoConfigureTracing
@Import(WebFluxSliceTests.InMemoryTracing.class)
class WebFluxSliceTests {

	@Autowired
	WebTestClient webTestClient;

	@Autowired
	SimpleTracer tracer;

	@BeforeEach
	void forgetSpansOfEarlierTests() {
		this.tracer.getSpans().clear();
	}

	@Test
	void gatewaySpanStartsAtGatewayTimeAndIsParentOfServerSpan() {
		long gatewayTime = System.currentTimeMillis() - 200;
		this.webTestClient.get()
			.uri("/orders/42")
			.header("x-dd-proxy", "aws-apigateway")
			.header("x-dd-proxy-request-time-ms", Long.toString(gatewayTime))
			.header("x-dd-proxy-domain-name", "api.example.com")
			.header("x-dd-proxy-httpmethod", "GET")
			.header("x-dd-proxy-path", "/prod/orders/42")
			.header("x-dd-proxy-resource-path", "/orders/{id}")
			.header("x-dd-proxy-stage", "prod")
			.exchange()
			.expectStatus()
			.isOk();

		// WebTestClient returns once the response is complete: both spans have ended.
		SimpleSpan gateway = spanNamed("aws.apigateway");
		SimpleSpan server = spanNamed("http get /orders/{id}");
		assertThat(gateway.getKind()).isEqualTo(Span.Kind.SERVER);
		assertThat(gateway.getStartTimestamp()).isEqualTo(Instant.ofEpochMilli(gatewayTime));
		assertThat(gateway.getEndTimestamp()).isAfterOrEqualTo(server.getEndTimestamp());
		assertThat(gateway.getTags()).containsEntry("http.route", "/orders/{id}")
			.containsEntry("stage", "prod")
			.containsEntry("http.status_code", "200");
		assertThat(server.getTraceId()).isEqualTo(gateway.getTraceId());
		assertThat(server.getParentId()).isEqualTo(gateway.getSpanId());
	}

	@Test
	void requestWithoutGatewayHeadersHasNoGatewaySpan() {
		this.webTestClient.get().uri("/orders/42").exchange().expectStatus().isOk();

		assertThat(this.tracer.getSpans()).extracting(SimpleSpan::getName).containsExactly("http get /orders/{id}");
	}

	private SimpleSpan spanNamed(String name) {
		List<SimpleSpan> spans = this.tracer.getSpans().stream().filter((span) -> name.equals(span.getName())).toList();
		assertThat(spans).as("spans named %s", name).hasSize(1);
		return spans.get(0);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class InMemoryTracing {

		@Bean
		SimpleTracer simpleTracer() {
			return new SimpleTracer();
		}

		// The receiver spans are built from what the propagator extracts; this one reads
		// no upstream context (Propagator.NOOP's no-op builders would not be recorded).
		@Bean
		Propagator propagator(SimpleTracer tracer) {
			return new Propagator() {

				@Override
				public List<String> fields() {
					return List.of();
				}

				@Override
				public <C> void inject(TraceContext context, @Nullable C carrier, Setter<C> setter) {
				}

				@Override
				public <C> Span.Builder extract(C carrier, Getter<C> getter) {
					return tracer.spanBuilder();
				}

			};
		}

	}

}
