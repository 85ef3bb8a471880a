package io.github.inferredproxy.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.test.context.TestPropertySource;

/**
 * Brings real tracing to a test, for assertions on gateway spans: on a
 * {@code @WebMvcTest}, a {@code @WebFluxTest} or a {@code @SpringBootTest}, it imports
 * the OpenTelemetry SDK with Micrometer Tracing's bridge, Spring's server observation
 * ({@code http.server.requests}) and the starter's auto-configuration, and a
 * {@link GatewaySpans} recorder to inject, which records each span once, when it ends.
 * <p>
 * It also sets, for the annotated test only: sampling of every trace, W3C and B3
 * propagation (so that the continuation of an upstream trace can be tested), and
 * {@code spring.test.tracing.export=true}, without which Spring Boot 4 switches trace
 * export off in tests and the propagation of incoming trace headers with it (on Spring
 * Boot 3.5, {@code spring.test.observability.auto-configure=true}, as
 * {@code @AutoConfigureObservability} does, which also lets metrics be exported). With
 * export on, an exporter that your application configures (OTLP, Zipkin) exports the
 * test's spans too.
 *
 * @author Inferred Proxy contributors
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ImportAutoConfiguration
@TestPropertySource(
		properties = { "management.tracing.sampling.probability=1.0", "management.tracing.propagation.type=w3c,b3",
				"spring.test.tracing.export=true", "spring.test.observability.auto-configure=true" })
public @interface AutoConfigureGatewaySpans {

}
