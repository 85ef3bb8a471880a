package io.github.inferredproxy.compat.jetty;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * One controller for both stacks: Spring MVC and WebFlux serve the same annotated
 * methods.
 */
@SpringBootApplication
class JettyTestApplication {

	@RestController
	static class OrderController {

		@GetMapping("/orders/{id}")
		String order(@PathVariable String id) {
			return "order " + id;
		}

		/** Completed on another thread: an async dispatch on Spring MVC. */
		@GetMapping("/orders/{id}/shipment")
		CompletableFuture<String> shipment(@PathVariable String id) {
			return CompletableFuture.supplyAsync(() -> "shipment of order " + id,
					CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
		}

		@GetMapping("/orders/{id}/refund")
		String refund(@PathVariable String id) {
			throw new IllegalStateException("Payment provider unavailable, refund of order " + id + " not issued");
		}

	}

}
