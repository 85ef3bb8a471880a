package io.github.inferredproxy.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.inferredproxy.observation.InferredProxyObservations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Says at start-up why there are no inferred gateway spans when
 * {@link InferredProxyAutoConfiguration} backed off in a web application that has them
 * switched on: a starter that silently does nothing costs its user an afternoon.
 *
 * @author Inferred Proxy contributors
 */
@AutoConfiguration(after = InferredProxyAutoConfiguration.class)
@ConditionalOnWebApplication
@Conditional(OnInferredProxyEnabledCondition.class)
@ConditionalOnMissingBean(InferredProxyObservations.class)
public final class InferredProxyBackOffAutoConfiguration {

	@Bean
	static BackOffReport inferredProxyBackOffReport(ListableBeanFactory beanFactory, ResourceLoader resourceLoader) {
		return new BackOffReport(beanFactory, resourceLoader.getClassLoader());
	}

	/**
	 * Logs, once all singletons exist, what the application lacks.
	 */
	static final class BackOffReport implements SmartInitializingSingleton {

		private static final Log logger = LogFactory.getLog(InferredProxyAutoConfiguration.class);

		private static final String TRACER = "io.micrometer.tracing.Tracer";

		private static final String PROPAGATOR = "io.micrometer.tracing.propagation.Propagator";

		private static final String OBSERVATION_REGISTRY = "io.micrometer.observation.ObservationRegistry";

		/**
		 * A Spring Boot 4 module: its absence means Spring Boot 3.5, where actuator
		 * configures observations and tracing.
		 */
		private static final String BOOT_4_TRACING = "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration";

		private final ListableBeanFactory beanFactory;

		private final ClassLoader classLoader;

		BackOffReport(ListableBeanFactory beanFactory, ClassLoader classLoader) {
			this.beanFactory = beanFactory;
			this.classLoader = classLoader;
		}

		@Override
		public void afterSingletonsInstantiated() {
			String message = message();
			if (message != null) {
				logger.warn(message);
			}
		}

		String message() {
			List<String> missing = new ArrayList<>();
			boolean tracingOnClasspath = ClassUtils.isPresent(TRACER, this.classLoader);
			if (!hasBean(OBSERVATION_REGISTRY)) {
				missing.add("ObservationRegistry bean");
			}
			if (!tracingOnClasspath) {
				missing.add("Micrometer Tracing on the classpath");
			}
			else {
				if (!hasBean(TRACER)) {
					missing.add("Micrometer Tracing Tracer bean");
				}
				if (!hasBean(PROPAGATOR)) {
					missing.add("Micrometer Tracing Propagator bean");
				}
			}
			if (missing.isEmpty()) {
				// Another reason, such as an InferredProxyObservations bean of the user's.
				return null;
			}
			boolean boot4 = ClassUtils.isPresent(BOOT_4_TRACING, this.classLoader);
			String add = boot4 ? "On Spring Boot 4, add io.github.inferredproxy:inferred-proxy-spring-boot-starter (it "
					+ "brings OpenTelemetry's bridge and org.springframework.boot:spring-boot-micrometer-tracing-opentelemetry), "
					+ "or, for Brave, io.micrometer:micrometer-tracing-bridge-brave with "
					+ "org.springframework.boot:spring-boot-micrometer-tracing-brave."
					: "On Spring Boot 3.5, add org.springframework.boot:spring-boot-starter-actuator and "
							+ "io.micrometer:micrometer-tracing-bridge-otel (or micrometer-tracing-bridge-brave).";
			return "Inferred gateway spans are off: the application has no " + String.join(", no ", missing) + ". "
					+ add + " Set inferred-proxy.enabled=false to switch them off without this warning.";
		}

		private boolean hasBean(String typeName) {
			if (!ClassUtils.isPresent(typeName, this.classLoader)) {
				return false;
			}
			Class<?> type = ClassUtils.resolveClassName(typeName, this.classLoader);
			return this.beanFactory.getBeanNamesForType(type, true, false).length > 0;
		}

	}

}
