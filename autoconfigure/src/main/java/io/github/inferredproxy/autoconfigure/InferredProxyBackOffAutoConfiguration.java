package io.github.inferredproxy.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.github.inferredproxy.observation.InferredProxyObservations;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

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
	BackOffReport inferredProxyBackOffReport(ListableBeanFactory beanFactory, ResourceLoader resourceLoader) {
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
		 * A class of Spring Boot 4's core jar, absent from Spring Boot 3.5's: the modules
		 * of Boot 4 that the advice names may be the very ones missing.
		 */
		private static final String BOOT_4 = "org.springframework.boot.EnvironmentPostProcessor";

		private final ListableBeanFactory beanFactory;

		private final @Nullable ClassLoader classLoader;

		BackOffReport(ListableBeanFactory beanFactory, @Nullable ClassLoader classLoader) {
			this.beanFactory = beanFactory;
			this.classLoader = classLoader;
		}

		@Override
		public void afterSingletonsInstantiated() {
			String reason = reason(this.beanFactory, this.classLoader);
			if (reason != null) {
				logger.warn("Inferred gateway spans are off: " + reason
						+ " Set inferred-proxy.enabled=false to switch them off without this warning.");
			}
		}

		/**
		 * Say what keeps the auto-configuration from applying, and what to add.
		 * @param beanFactory the application's beans
		 * @param classLoader the application's class loader
		 * @return the reason, or {@code null} when nothing the auto-configuration needs
		 * is missing
		 */
		static @Nullable String reason(ListableBeanFactory beanFactory, @Nullable ClassLoader classLoader) {
			List<String> missing = new ArrayList<>();
			if (!hasBean(beanFactory, classLoader, OBSERVATION_REGISTRY)) {
				missing.add("ObservationRegistry bean");
			}
			if (!ClassUtils.isPresent(TRACER, classLoader)) {
				missing.add("Micrometer Tracing on the classpath");
			}
			else {
				if (!hasBean(beanFactory, classLoader, TRACER)) {
					missing.add("Micrometer Tracing Tracer bean");
				}
				if (!hasBean(beanFactory, classLoader, PROPAGATOR)) {
					missing.add("Micrometer Tracing Propagator bean");
				}
			}
			if (missing.isEmpty()) {
				// Another reason, such as an InferredProxyObservations bean of the
				// user's.
				return null;
			}
			boolean boot4 = ClassUtils.isPresent(BOOT_4, classLoader);
			String add = boot4 ? "On Spring Boot 4, add io.github.inferredproxy:inferred-proxy-spring-boot-starter (it "
					+ "brings OpenTelemetry's bridge and org.springframework.boot:spring-boot-micrometer-tracing-opentelemetry), "
					+ "or, for Brave, io.micrometer:micrometer-tracing-bridge-brave with "
					+ "org.springframework.boot:spring-boot-micrometer-tracing-brave."
					: "On Spring Boot 3.5, add org.springframework.boot:spring-boot-starter-actuator and "
							+ "io.micrometer:micrometer-tracing-bridge-otel (or micrometer-tracing-bridge-brave).";
			return "the application has no " + String.join(", no ", missing) + ". " + add;
		}

		private static boolean hasBean(ListableBeanFactory beanFactory, @Nullable ClassLoader classLoader,
				String typeName) {
			if (!ClassUtils.isPresent(typeName, classLoader)) {
				return false;
			}
			Class<?> type = ClassUtils.resolveClassName(typeName, classLoader);
			return beanFactory.getBeanNamesForType(type, true, false).length > 0;
		}

	}

}
