package io.github.inferredproxy.reactive;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * A {@link ReactiveTestApplication} on Reactor Netty at a random port, every span sampled
 * and recorded, trace export (and so propagation) on for W3C and B3. Both MVC and WebFlux
 * are on the test classpath, hence the explicit web application type. Test classes that
 * share these settings share one application context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(classes = ReactiveTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", "management.tracing.sampling.probability=1.0",
				"spring.test.tracing.export=true", "management.tracing.propagation.type=w3c,b3" })
@interface ReactiveIntegrationTest {

}
