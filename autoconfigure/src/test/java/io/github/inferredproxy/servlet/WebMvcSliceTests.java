package io.github.inferredproxy.servlet;

import java.util.concurrent.TimeUnit;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.autoconfigure.WebMvcObservationAutoConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * How to assert the gateway span in your own {@code @WebMvcTest}.
 * <p>
 * The starter's auto-configuration is part of the Web MVC slice, and MockMvc applies its
 * filter. A slice has no real tracer and no {@code http.server.requests} observation,
 * though, so import them: {@code @AutoConfigureTracing} brings the observation and
 * tracing auto-configurations, {@code @ImportAutoConfiguration} the OpenTelemetry SDK and
 * tracer and Spring MVC's server observation. An in-memory exporter then records the
 * spans. MockMvc runs the request on the test thread, so the spans have ended when
 * {@code perform} returns.
 */
@WebMvcTest(WebMvcSliceTests.GreetingController.class)
@AutoConfigureTracing
@ImportAutoConfiguration({ OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
		WebMvcObservationAutoConfiguration.class })
@Import(WebMvcSliceTests.SpanRecording.class)
@TestPropertySource(properties = "management.tracing.sampling.probability=1.0")
class WebMvcSliceTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	InMemorySpanExporter spans;

	@BeforeEach
	void forgetSpans() {
		this.spans.reset();
	}

	@Test
	void requestThroughTheGatewayHasAGatewaySpanAsParentOfTheServerSpan() throws Exception {
		long gatewayTime = System.currentTimeMillis() - 150;
		this.mvc
			.perform(get("/greeting").header("x-dd-proxy", "aws-apigateway")
				.header("x-dd-proxy-request-time-ms", gatewayTime)
				.header("x-dd-proxy-domain-name", "api.example.com")
				.header("x-dd-proxy-stage", "prod")
				.header("x-dd-proxy-httpmethod", "GET")
				.header("x-dd-proxy-resource-path", "/greeting"))
			.andExpect(status().isOk())
			.andExpect(content().string("hello"));

		SpanData gateway = spanNamed("aws.apigateway");
		SpanData server = spanNamed("http get /greeting");
		assertThat(gateway.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(gateway.getStartEpochNanos()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(gatewayTime));
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/greeting");
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("http.status_code"))).isEqualTo("200");
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(server.getTraceId()).isEqualTo(gateway.getTraceId());
	}

	@Test
	void requestWithoutGatewayHeadersHasOnlyTheServerSpan() throws Exception {
		this.mvc.perform(get("/greeting")).andExpect(status().isOk());

		assertThat(this.spans.getFinishedSpanItems()).extracting(SpanData::getName)
			.containsExactly("http get /greeting");
	}

	private SpanData spanNamed(String name) {
		return this.spans.getFinishedSpanItems()
			.stream()
			.filter((span) -> span.getName().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No span " + name + " in " + this.spans.getFinishedSpanItems()));
	}

	/**
	 * Your application's {@code @SpringBootApplication} plays this part; it is here only
	 * so that the slice does not pick up the other tests' application in this package.
	 */
	@SpringBootConfiguration
	@Import(GreetingController.class)
	static class SliceApplication {

	}

	@RestController
	static class GreetingController {

		@GetMapping("/greeting")
		String greeting() {
			return "hello";
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class SpanRecording {

		@Bean
		InMemorySpanExporter inMemorySpanExporter() {
			return InMemorySpanExporter.create();
		}

		// A SpanProcessor bean, not a SpanExporter bean: Boot would export to the latter
		// too, and every span would be recorded twice.
		@Bean
		SpanProcessor inMemorySpanProcessor(InMemorySpanExporter exporter) {
			return SimpleSpanProcessor.create(exporter);
		}

	}

}
