package io.github.inferredproxy.test.examples.webflux;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class OrderController {

	@GetMapping("/orders/{id}")
	Mono<String> order(@PathVariable String id) {
		return Mono.just("order " + id);
	}

}
