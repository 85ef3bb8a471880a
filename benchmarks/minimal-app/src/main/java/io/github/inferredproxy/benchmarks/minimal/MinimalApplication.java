package io.github.inferredproxy.benchmarks.minimal;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * One endpoint, {@code GET /}, answering a short string: the smallest application that
 * the load test runs with and without tracing. Spring MVC by default, Spring WebFlux with
 * {@code --spring.main.web-application-type=reactive} (the handler then runs on the event
 * loop: it does not block).
 *
 * @author Inferred Proxy contributors
 */
@SpringBootApplication
@RestController
public class MinimalApplication {

	@GetMapping("/")
	String hello() {
		return "Hello world!";
	}

	public static void main(String[] args) {
		SpringApplication.run(MinimalApplication.class, args);
	}

}
