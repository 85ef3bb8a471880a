package io.github.inferredproxy.compat.brave;

import io.micrometer.tracing.exporter.SpanExportingPredicate;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * An application served by Spring MVC or WebFlux, whichever the test selects, traced by
 * Brave through Spring Boot 4's Brave auto-configuration. Every endpoint takes an
 * {@code id} of the test's own, by which the request's spans are found.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class BraveTestApplication {

	/**
	 * The name of spans that {@link #unexportedSpans()} keeps from being exported.
	 */
	static final String UNEXPORTED_SPAN_NAME = "test.unexported";

	/**
	 * Last of Brave's span handlers: after Boot's {@code CompositeSpanHandler}
	 * ({@code HIGHEST_PRECEDENCE}), which applies Micrometer's exporting predicates and
	 * span filters, so that it records what a Zipkin reporter would send.
	 */
	@Bean
	@Order(Ordered.LOWEST_PRECEDENCE)
	BraveSpans braveSpans() {
		return new BraveSpans();
	}

	/**
	 * Shows that the recorder runs after Boot's span handler: a span this predicate
	 * rejects must not be recorded. A predicate rather than a tagging span filter: on
	 * Brave, Micrometer 1.6's {@code FinishedSpan#setTags} clears Brave's unmodifiable
	 * tag map, and the exception, swallowed by Brave, keeps the span from every later
	 * handler (a Zipkin reporter's too).
	 */
	@Bean
	SpanExportingPredicate unexportedSpans() {
		return (span) -> !UNEXPORTED_SPAN_NAME.equals(span.getName());
	}

	@RestController
	static class OrdersController {

		@GetMapping("/orders/{id}")
		String order(@PathVariable String id) {
			return "order " + id;
		}

		@GetMapping("/orders/{id}/fail")
		String fail(@PathVariable String id) {
			throw new IllegalStateException("boom " + id);
		}

		@GetMapping("/orders/{id}/status/{code}")
		ResponseEntity<String> status(@PathVariable String id, @PathVariable int code) {
			return ResponseEntity.status(code).body("status " + code);
		}

	}

}
