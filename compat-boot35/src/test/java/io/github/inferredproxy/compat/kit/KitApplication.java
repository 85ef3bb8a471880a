package io.github.inferredproxy.compat.kit;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring MVC application, tested with the test kit on Spring Boot 3.5.
 */
@SpringBootApplication
class KitApplication {

	@RestController
	static class OrderController {

		@GetMapping("/orders/{id}")
		String order(@PathVariable String id) {
			return "order " + id;
		}

	}

}
