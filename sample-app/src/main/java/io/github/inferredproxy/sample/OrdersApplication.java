package io.github.inferredproxy.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An orders API behind an API gateway. It runs on Spring MVC by default and on Spring
 * WebFlux with {@code --spring.main.web-application-type=reactive}: the same controllers
 * serve both.
 *
 * @author Inferred Proxy contributors
 */
@SpringBootApplication
public class OrdersApplication {

	public static void main(String[] args) {
		SpringApplication.run(OrdersApplication.class, args);
	}

}
