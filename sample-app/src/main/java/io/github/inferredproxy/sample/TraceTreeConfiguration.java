package io.github.inferredproxy.sample;

import io.opentelemetry.sdk.trace.SpanProcessor;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Prints each finished trace as a tree, unless {@code sample.trace-tree.enabled=false}.
 * Spring Boot adds every {@link SpanProcessor} bean to the OpenTelemetry SDK, next to the
 * exporters.
 *
 * @author Inferred Proxy contributors
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "sample.trace-tree.enabled", matchIfMissing = true)
class TraceTreeConfiguration {

	@Bean
	SpanProcessor traceTreePrinter() {
		return new TraceTreePrinter();
	}

}
