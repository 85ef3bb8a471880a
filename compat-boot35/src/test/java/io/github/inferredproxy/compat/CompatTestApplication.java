package io.github.inferredproxy.compat;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.awaitility.Awaitility;
import org.slf4j.MDC;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application served by Spring MVC or WebFlux, whichever the test selects.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class CompatTestApplication {

	@Bean
	Spans spans() {
		return new Spans();
	}

	@Bean
	SpanProcessor recordingSpanProcessor(Spans spans) {
		return SimpleSpanProcessor.create(spans.exporter);
	}

	@RestController
	static class OrdersController {

		/**
		 * Answers with the gateway request id the logging MDC holds meanwhile.
		 */
		@GetMapping("/orders/{id}")
		String order(@PathVariable String id) {
			return "order " + id + " for " + MDC.get("gatewayRequestId");
		}

	}

	/**
	 * Spans recorded by the OpenTelemetry SDK (not a SpanExporter bean: Boot would export
	 * them twice).
	 */
	static final class Spans {

		final InMemorySpanExporter exporter = InMemorySpanExporter.create();

		List<SpanData> all() {
			return this.exporter.getFinishedSpanItems();
		}

		SpanData await(String description, Predicate<SpanData> predicate) {
			return Awaitility.await(description)
				.atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> all().stream().filter(predicate).findFirst(), Optional::isPresent)
				.get();
		}

	}

}
