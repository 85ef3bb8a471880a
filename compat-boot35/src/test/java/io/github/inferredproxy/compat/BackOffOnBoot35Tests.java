package io.github.inferredproxy.compat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Spring Boot 3.5, the start-up warning of a starter that backed off names what a 3.5
 * application adds.
 */
@ExtendWith(OutputCaptureExtension.class)
class BackOffOnBoot35Tests {

	@Test
	void warningNamesWhatSpringBoot35Needs(CapturedOutput output) {
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(io.github.inferredproxy.autoconfigure.InferredProxyAutoConfiguration.class,
							io.github.inferredproxy.autoconfigure.InferredProxyBackOffAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).contains("Inferred gateway spans are off: the application has no ObservationRegistry bean")
			.contains("On Spring Boot 3.5, add org.springframework.boot:spring-boot-starter-actuator")
			.doesNotContain("Spring Boot 4");
	}

}
