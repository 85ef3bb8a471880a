package io.github.inferredproxy.servlet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The {@link ServletTestApplication} on a real Tomcat with the OpenTelemetry SDK
 * recording spans. One annotation, so that every test class shares one cached context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = ServletTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "management.tracing.sampling.probability=1.0",
				// Off in tests by default, and propagation with it: an incoming
				// traceparent or b3 header would be ignored.
				"spring.test.tracing.export=true",
				// Read and write both W3C and (single-header) B3.
				"management.tracing.propagation.type=w3c,b3" })
@interface InferredProxyServletTest {

}
