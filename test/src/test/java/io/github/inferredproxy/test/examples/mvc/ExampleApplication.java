package io.github.inferredproxy.test.examples.mvc;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Your application plays this part.
 */
@SpringBootApplication
class ExampleApplication {

}
