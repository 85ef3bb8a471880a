package io.github.inferredproxy.autoconfigure;

import java.time.Duration;
import java.util.Locale;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.observation.DefaultInferredProxyObservationConvention;
import io.github.inferredproxy.observation.GatewayServiceName;
import io.github.inferredproxy.observation.GatewayServiceSpanFilter;
import io.github.inferredproxy.observation.InferredProxyMeterObservationHandler;
import io.github.inferredproxy.observation.InferredProxyObservationConvention;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.github.inferredproxy.observation.InferredProxyRejectionCounter;
import io.github.inferredproxy.observation.InferredProxyRequestListener;
import io.github.inferredproxy.observation.InferredProxyServerObservationHandler;
import io.github.inferredproxy.observation.InferredProxyTracingObservationHandler;
import io.github.inferredproxy.reactive.InferredProxyHttpHandlerDecorator;
import io.github.inferredproxy.servlet.InferredProxyFilter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.cloud.CloudPlatform;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Auto-configuration of inferred gateway spans: a span for the API gateway hop, built
 * from the gateway's {@code x-dd-proxy-*} headers, as the parent of the
 * {@code http.server.requests} span.
 * <p>
 * Ordered after the observation, tracing and metrics auto-configurations of Spring Boot 4
 * and 3.5 (names of absent classes are ignored).
 *
 * @author Inferred Proxy contributors
 */
@AutoConfiguration(afterName = {
		"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
		"org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.NoopTracerAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.tracing.BraveAutoConfiguration",
		"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnWebApplication
@ConditionalOnClass({ ObservationRegistry.class, Tracer.class })
@ConditionalOnBean({ ObservationRegistry.class, Tracer.class, Propagator.class })
@Conditional(OnInferredProxyEnabledCondition.class)
@EnableConfigurationProperties(InferredProxyProperties.class)
public final class InferredProxyAutoConfiguration {

	private static final Log logger = LogFactory.getLog(InferredProxyAutoConfiguration.class);

	/**
	 * {@code @Order} of the tracing handler: before Boot's receiver handler (1000), which
	 * would otherwise create the gateway and server spans.
	 */
	public static final int TRACING_OBSERVATION_HANDLER_ORDER = 900;

	/**
	 * {@code @Order} of the meter handler among Boot's meter handlers, which Boot groups
	 * so that the first one that supports a context handles it: first, since Boot's
	 * default meter handler would time the gateway observation from its start instead of
	 * the gateway's receive time.
	 */
	public static final int METER_OBSERVATION_HANDLER_ORDER = 0;

	/**
	 * Order of the servlet filter: outside Spring's {@code ServerHttpObservationFilter}
	 * ({@code HIGHEST_PRECEDENCE + 1}), so that the gateway observation is current when
	 * the server observation is created.
	 */
	public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE;

	/**
	 * {@code @Order} of the WebFlux {@code HttpHandlerDecoratorFactory}: outermost,
	 * around Spring's {@code HttpWebHandlerAdapter} and its server observation.
	 */
	public static final int HTTP_HANDLER_DECORATOR_ORDER = Ordered.HIGHEST_PRECEDENCE;

	@Bean
	@ConditionalOnMissingBean
	InferredProxyObservations inferredProxyObservations(ObservationRegistry observationRegistry,
			InferredProxyProperties properties, ObjectProvider<InferredProxyObservationConvention> customConvention,
			ObjectProvider<InferredProxyRequestListener> listeners, Environment environment) {
		String replaced = environment.getProperty("inferred-proxy.max-tag-values");
		if (replaced != null) {
			// Else a setting that no longer bounds anything would be ignored silently.
			throw new InvalidConfigurationPropertyValueException("inferred-proxy.max-tag-values", replaced,
					"It is replaced by inferred-proxy.max-tag-sets, which bounds the number of tag sets of the gateway "
							+ "timers (1000 by default): remove it, and set inferred-proxy.max-tag-sets if needed.");
		}
		GatewayHeaderParser parser = new GatewayHeaderParser(positive("inferred-proxy.max-age", properties.getMaxAge()),
				notNegative("inferred-proxy.clock-skew-tolerance", properties.getClockSkewTolerance()),
				properties.isRecordUser(), trustPolicy(properties.getTrust()));
		return new InferredProxyObservations(observationRegistry, parser, customConvention.getIfAvailable(),
				new DefaultInferredProxyObservationConvention(properties.getAttributeVocabulary(),
						serviceName(properties.getService())),
				listeners.orderedStream().toList());
	}

	private static GatewayServiceName serviceName(InferredProxyProperties.Service service) {
		String name = service.getName();
		switch (service.getSource()) {
			case FIXED -> {
				if (!StringUtils.hasText(name)) {
					throw new InvalidConfigurationPropertyValueException("inferred-proxy.service.name",
							(name != null) ? name : "(not set)",
							"inferred-proxy.service.source=fixed needs a name: set inferred-proxy.service.name "
									+ "to the service the gateway span should belong to.");
				}
				return GatewayServiceName.fixed(name);
			}
			case APPLICATION -> {
				requireNoName(name, "application");
				return GatewayServiceName.application();
			}
			default -> {
				requireNoName(name, "domain");
				return GatewayServiceName.domain();
			}
		}
	}

	private static void requireNoName(@Nullable String name, String source) {
		// Else a name meant for the gateway span would be ignored silently.
		if (StringUtils.hasText(name)) {
			throw new InvalidConfigurationPropertyValueException("inferred-proxy.service.name", name,
					"The name is used only with inferred-proxy.service.source=fixed, and the source is " + source
							+ ": set inferred-proxy.service.source=fixed, or remove the name.");
		}
	}

	private static TrustPolicy trustPolicy(InferredProxyProperties.Trust trust) {
		TrustPolicy policy = TrustPolicy.none();
		String secret = trust.getSharedSecret();
		if (secret != null) {
			try {
				policy = policy.withSharedSecret(secret);
			}
			catch (IllegalArgumentException ex) {
				// Never the secret itself in the failure report.
				throw new InvalidConfigurationPropertyValueException("inferred-proxy.trust.shared-secret",
						secret.isBlank() ? secret : "(hidden)", ex.getMessage());
			}
			try {
				policy = policy.withSharedSecretHeader(trust.getSharedSecretHeader());
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("inferred-proxy.trust.shared-secret-header",
						trust.getSharedSecretHeader(), ex.getMessage());
			}
		}
		for (String network : trust.getNetworks()) {
			try {
				policy = policy.withNetwork(network);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException("inferred-proxy.trust.networks", network,
						ex.getMessage());
			}
		}
		return policy;
	}

	private static Duration positive(String property, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"Set a positive duration, for example 5m.");
		}
		return value;
	}

	private static Duration notNegative(String property, Duration value) {
		if (value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(property, value,
					"Set a duration of zero or more, for example 5s.");
		}
		return value;
	}

	@Bean
	@ConditionalOnMissingBean
	@Order(TRACING_OBSERVATION_HANDLER_ORDER)
	InferredProxyTracingObservationHandler inferredProxyTracingObservationHandler(Tracer tracer,
			Propagator propagator) {
		return new InferredProxyTracingObservationHandler(tracer, propagator);
	}

	@Bean
	@ConditionalOnMissingBean
	InferredProxyServerObservationHandler inferredProxyServerObservationHandler() {
		return new InferredProxyServerObservationHandler();
	}

	@Bean
	@ConditionalOnMissingBean
	GatewayServiceSpanFilter gatewayServiceSpanFilter() {
		return new GatewayServiceSpanFilter();
	}

	/**
	 * Whether the switches still say "on" when the application starts. They decided at
	 * build time already when the application was processed ahead of time, which fixes
	 * the conditions; this keeps them working at run time then: the beans stay, and
	 * neither the filter nor the decorator is applied. Without AOT it is always true
	 * here, since the condition has just read the same environment.
	 * @param environment the environment at start-up
	 * @return whether the switches say on
	 */
	static boolean enabledAtStartUp(Environment environment) {
		String offSwitch = OnInferredProxyEnabledCondition.offSwitch(environment);
		if (offSwitch != null) {
			logger.info("Inferred gateway spans are off at run time (" + offSwitch
					+ "), although the application was processed ahead of time with them on.");
		}
		return offSwitch == null;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@Order(METER_OBSERVATION_HANDLER_ORDER)
		InferredProxyMeterObservationHandler inferredProxyMeterObservationHandler(MeterRegistry meterRegistry,
				InferredProxyProperties properties) {
			int maxTagSets = properties.getMaxTagSets();
			if (maxTagSets < 1) {
				throw new InvalidConfigurationPropertyValueException("inferred-proxy.max-tag-sets", maxTagSets,
						"Set a number of 1 or more.");
			}
			return new InferredProxyMeterObservationHandler(meterRegistry, maxTagSets);
		}

		@Bean
		@ConditionalOnMissingBean
		InferredProxyRejectionCounter inferredProxyRejectionCounter(MeterRegistry meterRegistry) {
			return new InferredProxyRejectionCounter(meterRegistry);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	@ConditionalOnClass({ OncePerRequestFilter.class, FilterRegistrationBean.class })
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean(value = InferredProxyFilter.class,
				parameterizedContainer = FilterRegistrationBean.class)
		FilterRegistrationBean<InferredProxyFilter> inferredProxyFilter(InferredProxyObservations observations,
				InferredProxyProperties properties, Environment environment, ResourceLoader resourceLoader) {
			ForwardedHeaders.warnIfClientsCanSteerTrustedNetworks(properties, environment, resourceLoader, true);
			FilterRegistrationBean<InferredProxyFilter> registration = new FilterRegistrationBean<>(
					new InferredProxyFilter(observations));
			registration.setEnabled(enabledAtStartUp(environment));
			registration.setOrder(FILTER_ORDER);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
			return registration;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@ConditionalOnClass(HttpHandlerDecoratorFactory.class)
	static class ReactiveConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "inferredProxyHttpHandlerDecoratorFactory")
		@Order(HTTP_HANDLER_DECORATOR_ORDER)
		HttpHandlerDecoratorFactory inferredProxyHttpHandlerDecoratorFactory(InferredProxyObservations observations,
				InferredProxyProperties properties, Environment environment, ResourceLoader resourceLoader) {
			ForwardedHeaders.warnIfClientsCanSteerTrustedNetworks(properties, environment, resourceLoader, false);
			if (!enabledAtStartUp(environment)) {
				return (httpHandler) -> httpHandler;
			}
			return (httpHandler) -> new InferredProxyHttpHandlerDecorator(httpHandler, observations);
		}

	}

	/**
	 * Trusted networks are matched against the remote address of a request, which the
	 * server takes from forwarded headers when told to; a client that can write those can
	 * pass for a trusted network. A shared secret, which must hold as well, closes that.
	 */
	static final class ForwardedHeaders {

		private ForwardedHeaders() {
		}

		static void warnIfClientsCanSteerTrustedNetworks(InferredProxyProperties properties, Environment environment,
				ResourceLoader resourceLoader, boolean servlet) {
			InferredProxyProperties.Trust trust = properties.getTrust();
			if (trust.getNetworks().isEmpty() || trust.getSharedSecret() != null || !logger.isWarnEnabled()) {
				return;
			}
			boolean tomcat = servlet
					&& ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", resourceLoader.getClassLoader());
			String strategy = normalized(environment.getProperty("server.forward-headers-strategy"));
			String setBy = "server.forward-headers-strategy=" + strategy;
			if (strategy == null) {
				CloudPlatform platform = CloudPlatform.getActive(environment);
				if (platform != null && platform.isUsingForwardHeaders()) {
					strategy = "native";
					setBy = "server.forward-headers-strategy=native (the default on " + platform + ")";
				}
			}
			String who;
			if ("native".equals(strategy)) {
				who = !servlet ? "on Reactor Netty, any client"
						: tomcat ? "on Tomcat, any client whose own address matches "
								+ "server.tomcat.remoteip.internal-proxies (private and loopback networks by default)"
								: "on this server, any client";
			}
			else if ("framework".equals(strategy) && servlet) {
				// WebFlux's ForwardedHeaderTransformer runs inside the starter's
				// decorator.
				who = "any client, when Spring's ForwardedHeaderFilter runs before the starter's filter";
			}
			else if (tomcat && remoteIpValveConfigured(environment)) {
				// Boot adds Tomcat's RemoteIpValve for these whatever the strategy says.
				setBy = "server.tomcat.remoteip.remote-ip-header or protocol-header set";
				who = "on Tomcat, any client whose own address matches server.tomcat.remoteip.internal-proxies";
			}
			else {
				return;
			}
			logger.warn("inferred-proxy.trust.networks is matched against the remote address of a request, and with "
					+ setBy + " that address comes from the X-Forwarded-For or Forwarded header. A client that "
					+ "can set that header (" + who + ") can make its request look as if it came from a trusted "
					+ "network. Set inferred-proxy.trust.shared-secret as well, or make sure that only your proxies "
					+ "can reach the application and that they overwrite the header (on Tomcat, narrow "
					+ "server.tomcat.remoteip.internal-proxies to them).");
		}

		private static boolean remoteIpValveConfigured(Environment environment) {
			return StringUtils.hasText(environment.getProperty("server.tomcat.remoteip.remote-ip-header"))
					|| StringUtils.hasText(environment.getProperty("server.tomcat.remoteip.protocol-header"));
		}

		/**
		 * The strategy as Boot's lenient enum binding reads it ({@code NATIVE},
		 * {@code " native"}), or {@code null} when not set or empty.
		 * @param strategy the property's value
		 * @return the strategy, or {@code null}
		 */
		private static @Nullable String normalized(@Nullable String strategy) {
			if (!StringUtils.hasText(strategy)) {
				return null;
			}
			return strategy.strip().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
		}

	}

}
