package io.github.inferredproxy.test.examples.webflux;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Your application plays this part.
 */
@SpringBootApplication
class ExampleApplication {

}
