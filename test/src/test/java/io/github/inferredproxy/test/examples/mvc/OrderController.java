package io.github.inferredproxy.test.examples.mvc;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

@RestController
class OrderController {

	@GetMapping("/orders/{id}")
	ResponseEntity<String> order(@PathVariable String id) {
		return id.equals("broken") ? ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("down")
				: ResponseEntity.ok("order " + id);
	}

}
