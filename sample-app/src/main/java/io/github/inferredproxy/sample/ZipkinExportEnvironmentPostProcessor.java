package io.github.inferredproxy.sample;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Exports to Zipkin only when {@code management.tracing.export.zipkin.endpoint} is set.
 * Spring Boot exports to {@code http://localhost:9411} as soon as the Zipkin exporter is
 * on the classpath, which would log an error every few seconds when no Zipkin runs; the
 * sample has it on the classpath so that one property switches Zipkin on. An explicit
 * {@code management.tracing.export.zipkin.enabled} still wins.
 *
 * @author Inferred Proxy contributors
 */
class ZipkinExportEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String ENDPOINT = "management.tracing.export.zipkin.endpoint";

	static final String ENABLED = "management.tracing.export.zipkin.enabled";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!environment.containsProperty(ENDPOINT)) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("sampleZipkinExportDefaults", Map.of(ENABLED, false)));
		}
	}

}
