package io.github.inferredproxy.autoconfigure;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.github.inferredproxy.actuate.InferredProxyEndpoint;
import io.github.inferredproxy.actuate.InferredProxyRequestStatistics;
import io.github.inferredproxy.observation.InferredProxyObservations;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;

/**
 * Auto-configuration of the {@code inferredproxy} actuator endpoint. It applies whether
 * or not inferred gateway spans are active, so that it can say why they are not.
 *
 * @author Inferred Proxy contributors
 */
@AutoConfiguration(after = InferredProxyAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(InferredProxyEndpoint.class)
@EnableConfigurationProperties(InferredProxyProperties.class)
public final class InferredProxyEndpointAutoConfiguration {

	private static final String HIDDEN = "******";

	@Bean
	@ConditionalOnMissingBean
	InferredProxyRequestStatistics inferredProxyRequestStatistics() {
		return new InferredProxyRequestStatistics();
	}

	@Bean
	@ConditionalOnMissingBean
	InferredProxyEndpoint inferredProxyEndpoint(InferredProxyProperties properties,
			InferredProxyRequestStatistics statistics, ObjectProvider<InferredProxyObservations> observations,
			Environment environment, ListableBeanFactory beanFactory, ResourceLoader resourceLoader) {
		return new InferredProxyEndpoint(
				() -> inactiveReason(observations, environment, beanFactory, resourceLoader.getClassLoader()),
				() -> settings(properties, environment), statistics);
	}

	/**
	 * Read when the endpoint is: the switches at run time (they count even when the
	 * application was processed ahead of time), else what the auto-configuration lacked.
	 * @param observations the instrumentation, if the auto-configuration applied
	 * @param environment the environment
	 * @param beanFactory the application's beans
	 * @param classLoader the application's class loader
	 * @return why gateway spans are not active, or {@code null} when they are
	 */
	private static @Nullable String inactiveReason(ObjectProvider<InferredProxyObservations> observations,
			Environment environment, ListableBeanFactory beanFactory, @Nullable ClassLoader classLoader) {
		String offSwitch = OnInferredProxyEnabledCondition.offSwitch(environment);
		if (offSwitch != null) {
			return "switched off by " + offSwitch;
		}
		InferredProxyObservations instrumentation = observations.getIfAvailable();
		if (instrumentation != null) {
			return instrumentation.isObservationEnabled() ? null
					: "switched off: the observation registry does not record the gateway observation "
							+ "(management.observations.enable.inferred.proxy=false, an ObservationPredicate, or no "
							+ "observation handler at all)";
		}
		String missing = InferredProxyBackOffAutoConfiguration.BackOffReport.reason(beanFactory, classLoader);
		return (missing != null) ? missing : "the auto-configuration backed off (see the conditions report)";
	}

	private static Map<String, @Nullable Object> settings(InferredProxyProperties properties, Environment environment) {
		InferredProxyProperties.Trust trust = properties.getTrust();
		Map<String, @Nullable Object> settings = new LinkedHashMap<>();
		settings.put("inferred-proxy.enabled", OnInferredProxyEnabledCondition.outcome(environment).isMatch());
		settings.put("inferred-proxy.max-age", properties.getMaxAge().toString());
		settings.put("inferred-proxy.clock-skew-tolerance", properties.getClockSkewTolerance().toString());
		settings.put("inferred-proxy.attribute-vocabulary", lowerCase(properties.getAttributeVocabulary()));
		settings.put("inferred-proxy.record-user", properties.isRecordUser());
		settings.put("inferred-proxy.max-tag-sets", properties.getMaxTagSets());
		settings.put("inferred-proxy.service.source", lowerCase(properties.getService().getSource()));
		settings.put("inferred-proxy.service.name", properties.getService().getName());
		settings.put("inferred-proxy.trust.shared-secret", (trust.getSharedSecret() != null) ? HIDDEN : null);
		settings.put("inferred-proxy.trust.shared-secret-header", trust.getSharedSecretHeader());
		settings.put("inferred-proxy.trust.networks", List.copyOf(trust.getNetworks()));
		return settings;
	}

	// As the configuration metadata and the documentation write the values.
	private static String lowerCase(Enum<?> value) {
		return value.name().toLowerCase(Locale.ROOT);
	}

}
