package io.github.inferredproxy.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyBackOffAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class InferredProxyBackOffAutoConfigurationTests {

	private static final String WARNING = "Inferred gateway spans are off: the application has no ";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(InferredProxyAutoConfiguration.class, InferredProxyBackOffAutoConfiguration.class));

	@Test
	void saysThatTheTracerIsMissingAndWhatToAdd(CapturedOutput output) {
		this.contextRunner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withBean(Propagator.class, () -> Propagator.NOOP)
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(InferredProxyBackOffAutoConfiguration.BackOffReport.class));
		assertThat(output).containsOnlyOnce(WARNING)
			.contains(WARNING + "Micrometer Tracing Tracer bean.")
			.contains("org.springframework.boot:spring-boot-micrometer-tracing-opentelemetry")
			.contains("spring-boot-micrometer-tracing-brave")
			.doesNotContain("Propagator bean", "ObservationRegistry bean");
	}

	@Test
	void listsEverythingThatIsMissing(CapturedOutput output) {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains(WARNING + "ObservationRegistry bean, no Micrometer Tracing Tracer bean, "
				+ "no Micrometer Tracing Propagator bean.");
	}

	@Test
	void saysThatMicrometerTracingIsMissing(CapturedOutput output) {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Tracer.class))
			.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains(WARNING + "Micrometer Tracing on the classpath.");
	}

	@Test
	void onSpringBoot4WithoutItsTracingModuleTheAdviceIsSpringBoot4s(CapturedOutput output) {
		// The Boot 4 module that configures tracing is the one missing: the advice must
		// still be Boot 4's.
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.micrometer.tracing"))
			.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains(WARNING + "Micrometer Tracing Tracer bean")
			.contains("On Spring Boot 4, add io.github.inferredproxy:inferred-proxy-spring-boot-starter")
			.doesNotContain("Spring Boot 3.5");
	}

	@Test
	void quietWhenTheGatewaySpansAreOn(CapturedOutput output) {
		this.contextRunner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withBean(Tracer.class, SimpleTracer::new)
			.withBean(Propagator.class, () -> Propagator.NOOP)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(InferredProxyBackOffAutoConfiguration.BackOffReport.class));
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void quietWhenSwitchedOff(CapturedOutput output) {
		this.contextRunner.withPropertyValues("inferred-proxy.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(InferredProxyBackOffAutoConfiguration.BackOffReport.class));
		assertThat(output).doesNotContain(WARNING);
	}

	@Test
	void quietOutsideAWebApplication(CapturedOutput output) {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InferredProxyAutoConfiguration.class,
					InferredProxyBackOffAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain(WARNING);
	}

}
