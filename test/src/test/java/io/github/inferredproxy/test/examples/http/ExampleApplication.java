package io.github.inferredproxy.test.examples.http;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Your application plays this part.
 */
@SpringBootApplication
class ExampleApplication {

}
