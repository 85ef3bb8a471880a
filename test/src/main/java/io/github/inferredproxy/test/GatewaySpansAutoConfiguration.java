package io.github.inferredproxy.test;

import io.opentelemetry.sdk.trace.SpanProcessor;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@link GatewaySpans} recorder and the span processor that feeds it: a
 * {@code SpanProcessor} bean, which Spring Boot adds to the OpenTelemetry SDK once (an
 * exporter bean would also be batched by Boot, recording every span twice). Imported by
 * {@link AutoConfigureGatewaySpans} only.
 *
 * @author Inferred Proxy contributors
 */
@AutoConfiguration(beforeName = {
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration" })
public final class GatewaySpansAutoConfiguration {

	@Bean
	GatewaySpans gatewaySpans() {
		return new GatewaySpans();
	}

	@Bean
	SpanProcessor gatewaySpansProcessor(GatewaySpans gatewaySpans) {
		return gatewaySpans.spanProcessor();
	}

}
