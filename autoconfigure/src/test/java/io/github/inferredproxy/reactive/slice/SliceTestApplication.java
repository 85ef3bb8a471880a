package io.github.inferredproxy.reactive.slice;

import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A user's WebFlux application, as {@link WebFluxSliceTests} finds it.
 */
@SpringBootApplication
public class SliceTestApplication {

	@RestController
	static class OrderController {

		@GetMapping("/orders/{id}")
		Mono<String> order(@PathVariable String id) {
			return Mono.just("order " + id);
		}

	}

}
