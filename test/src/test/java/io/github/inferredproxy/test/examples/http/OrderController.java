package io.github.inferredproxy.test.examples.http;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class OrderController {

	@GetMapping("/orders/{id}")
	String order(@PathVariable String id) {
		return "order " + id;
	}

}
