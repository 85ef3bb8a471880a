package io.github.inferredproxy.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.observation.AttributeVocabulary;
import io.github.inferredproxy.observation.DefaultInferredProxyObservationConvention;
import io.github.inferredproxy.observation.GatewayObservation;
import io.github.inferredproxy.observation.GatewayServiceSpanFilter;
import io.github.inferredproxy.observation.InferredProxyMeterObservationHandler;
import io.github.inferredproxy.observation.InferredProxyObservationConvention;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.github.inferredproxy.observation.InferredProxyRejectionCounter;
import io.github.inferredproxy.observation.InferredProxyServerObservationHandler;
import io.github.inferredproxy.observation.InferredProxyTracingObservationHandler;
import io.github.inferredproxy.reactive.InferredProxyHttpHandlerDecorator;
import io.github.inferredproxy.servlet.InferredProxyFilter;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.web.filter.CharacterEncodingFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyAutoConfiguration}.
 */
class InferredProxyAutoConfigurationTests {

	private static final ApplicationContextRunner NON_WEB_RUNNER = new ApplicationContextRunner();

	private static final AutoConfigurations AUTO_CONFIGURATION = AutoConfigurations
		.of(InferredProxyAutoConfiguration.class);

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AUTO_CONFIGURATION)
		.withUserConfiguration(TracingConfiguration.class);

	@Test
	void registersTheCoreBeansWithTracing() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(InferredProxyProperties.class)
			.hasSingleBean(InferredProxyObservations.class)
			.hasSingleBean(InferredProxyTracingObservationHandler.class)
			.hasSingleBean(InferredProxyServerObservationHandler.class)
			.hasSingleBean(GatewayServiceSpanFilter.class));
	}

	@Test
	void nonWebApplicationGetsNothing() {
		NON_WEB_RUNNER.withConfiguration(AUTO_CONFIGURATION)
			.withUserConfiguration(TracingConfiguration.class)
			.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(InferredProxyProperties.class)
				.doesNotHaveBean(InferredProxyObservations.class)
				.doesNotHaveBean(InferredProxyTracingObservationHandler.class)
				.doesNotHaveBean(InferredProxyRejectionCounter.class)
				.doesNotHaveBean(FilterRegistrationBean.class)
				.doesNotHaveBean(HttpHandlerDecoratorFactory.class));
	}

	@Test
	void backsOffWithoutMicrometerTracingOnTheClasspath() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Tracer.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(InferredProxyObservations.class)
				.doesNotHaveBean(InferredProxyProperties.class));
	}

	@Test
	void backsOffWithoutATracerBean() {
		new WebApplicationContextRunner().withConfiguration(AUTO_CONFIGURATION)
			.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withBean(Propagator.class, () -> Propagator.NOOP)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(InferredProxyObservations.class)
				.doesNotHaveBean(InferredProxyTracingObservationHandler.class));
	}

	@Test
	void backsOffWithoutAPropagatorBean() {
		new WebApplicationContextRunner().withConfiguration(AUTO_CONFIGURATION)
			.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.withBean(Tracer.class, SimpleTracer::new)
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(InferredProxyObservations.class)
				.doesNotHaveBean(InferredProxyTracingObservationHandler.class));
	}

	@Test
	void backsOffWithoutAnObservationRegistryBean() {
		new WebApplicationContextRunner().withConfiguration(AUTO_CONFIGURATION)
			.withBean(Tracer.class, SimpleTracer::new)
			.withBean(Propagator.class, () -> Propagator.NOOP)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(InferredProxyObservations.class));
	}

	@Test
	void disabledByProperty() {
		this.contextRunner.withPropertyValues("inferred-proxy.enabled=false")
			.run(InferredProxyAutoConfigurationTests::isOff);
	}

	@Test
	void disabledByPropertyInAnyCaseWithBlanks() {
		this.contextRunner.withPropertyValues("inferred-proxy.enabled= FALSE ")
			.run(InferredProxyAutoConfigurationTests::isOff);
	}

	@Test
	void enabledByExplicitProperty() {
		this.contextRunner.withPropertyValues("inferred-proxy.enabled=true")
			.run(InferredProxyAutoConfigurationTests::isOn);
	}

	@Test
	void disabledByEnvironmentVariable() {
		this.contextRunner.withInitializer(environmentVariables(Map.of("INFERRED_PROXY_ENABLED", "false")))
			.run(InferredProxyAutoConfigurationTests::isOff);
	}

	@Test
	void disabledByDatadogEnvironmentVariable() {
		this.contextRunner
			.withInitializer(environmentVariables(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "false")))
			.run(InferredProxyAutoConfigurationTests::isOff);
	}

	@Test
	void enabledByDatadogEnvironmentVariable() {
		this.contextRunner
			.withInitializer(environmentVariables(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "true")))
			.run(InferredProxyAutoConfigurationTests::isOn);
	}

	@Test
	void disabledByDatadogSystemProperty() {
		this.contextRunner.withSystemProperties("dd.trace.inferred.proxy.services.enabled=false")
			.run(InferredProxyAutoConfigurationTests::isOff);
	}

	@Test
	void disabledByDatadogProperty() {
		this.contextRunner.withPropertyValues("dd.trace.inferred.proxy.services.enabled=false")
			.run(InferredProxyAutoConfigurationTests::isOff);
	}

	@Test
	void explicitPropertyWinsOverDatadogProperty() {
		this.contextRunner
			.withPropertyValues("inferred-proxy.enabled=true", "dd.trace.inferred.proxy.services.enabled=false")
			.run(InferredProxyAutoConfigurationTests::isOn);
	}

	@Test
	void explicitPropertyWinsOverDatadogEnvironmentVariable() {
		this.contextRunner
			.withInitializer(environmentVariables(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "false")))
			.withPropertyValues("inferred-proxy.enabled=true")
			.run(InferredProxyAutoConfigurationTests::isOn);
	}

	@Test
	void explicitFalseWinsOverDatadogTrue() {
		this.contextRunner
			.withInitializer(environmentVariables(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "true")))
			.withPropertyValues("inferred-proxy.enabled=false")
			.run(InferredProxyAutoConfigurationTests::isOff);
	}

	@Test
	void emptyDatadogEnvironmentVariableCountsAsNotSet() {
		// A deployment template often renders an unset variable as an empty one.
		this.contextRunner.withInitializer(environmentVariables(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "")))
			.run(InferredProxyAutoConfigurationTests::isOn);
	}

	@Test
	void emptyPropertyCountsAsNotSetAndStillBinds() {
		this.contextRunner.withPropertyValues("inferred-proxy.enabled=").run(InferredProxyAutoConfigurationTests::isOn);
		this.contextRunner.withInitializer(environmentVariables(Map.of("INFERRED_PROXY_ENABLED", "")))
			.run(InferredProxyAutoConfigurationTests::isOn);
	}

	@Test
	void emptyPropertyLetsTheDatadogAliasDecide() {
		this.contextRunner
			.withInitializer(environmentVariables(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "false")))
			.withPropertyValues("inferred-proxy.enabled=")
			.run(InferredProxyAutoConfigurationTests::isOff);
	}

	@Test
	void invalidValueFailsStartUpNamingTheProperty() {
		this.contextRunner.withPropertyValues("inferred-proxy.enabled=maybe")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				// Which Boot's failure analyzer reports with the value's origin.
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("inferred-proxy.enabled")
				.hasMessageContaining("maybe"));
	}

	@ParameterizedTest
	@CsvSource({ "inferred-proxy.max-age, -1s", "inferred-proxy.max-age, 0s",
			"inferred-proxy.clock-skew-tolerance, -5s", "inferred-proxy.max-tag-sets, 0" })
	void outOfRangeValueFailsStartUpNamingTheProperty(String property, String value) {
		this.contextRunner.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues(property + "=" + value)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property));
	}

	@Test
	void replacedMaxTagValuesFailsStartUpNamingItsReplacement() {
		this.contextRunner.withPropertyValues("inferred-proxy.max-tag-values=200")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("inferred-proxy.max-tag-values")
				.hasMessageContaining("inferred-proxy.max-tag-sets"));
	}

	@Test
	void zeroClockSkewToleranceIsAllowed() {
		this.contextRunner.withPropertyValues("inferred-proxy.clock-skew-tolerance=0s")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(InferredProxyObservations.class));
	}

	@Test
	void invalidDatadogValueFailsStartUpNamingTheProperty() {
		this.contextRunner
			.withInitializer(environmentVariables(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "sometimes")))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("dd.trace.inferred.proxy.services.enabled"));
	}

	@Test
	void propertiesBind() {
		this.contextRunner
			.withPropertyValues("inferred-proxy.max-age=30s", "inferred-proxy.clock-skew-tolerance=250ms",
					"inferred-proxy.attribute-vocabulary=datadog", "inferred-proxy.record-user=true")
			.run((context) -> {
				InferredProxyProperties properties = context.getBean(InferredProxyProperties.class);
				assertThat(properties.getMaxAge()).isEqualTo(Duration.ofSeconds(30));
				assertThat(properties.getClockSkewTolerance()).isEqualTo(Duration.ofMillis(250));
				assertThat(properties.getAttributeVocabulary()).isEqualTo(AttributeVocabulary.DATADOG);
				assertThat(properties.isRecordUser()).isTrue();
			});
	}

	@Test
	void propertiesBindFromEnvironmentVariables() {
		this.contextRunner
			.withInitializer(environmentVariables(
					Map.of("INFERRED_PROXY_MAX_AGE", "2m", "INFERRED_PROXY_ATTRIBUTE_VOCABULARY", "OPENTELEMETRY")))
			.run((context) -> {
				InferredProxyProperties properties = context.getBean(InferredProxyProperties.class);
				assertThat(properties.getMaxAge()).isEqualTo(Duration.ofMinutes(2));
				assertThat(properties.getAttributeVocabulary()).isEqualTo(AttributeVocabulary.OPENTELEMETRY);
			});
	}

	@Test
	void vocabularyPropertyConfiguresTheConvention() {
		this.contextRunner.withPropertyValues("inferred-proxy.attribute-vocabulary=opentelemetry").run((context) -> {
			GatewayObservation observation = startGatewayObservation(context);
			assertThat(observation).isNotNull();
			observation.stop(200, null);
			assertThat(observation.getObservation().getContext().getHighCardinalityKeyValues())
				.extracting(KeyValue::getKey)
				.contains("server.address")
				.doesNotContain("component", "service.name");
		});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			''                                                                     | api.example.com
			inferred-proxy.service.source=application                              |
			inferred-proxy.service.source=fixed,inferred-proxy.service.name=orders | orders
			""")
	void servicePropertiesConfigureTheGatewaySpansService(String properties, String service) {
		this.contextRunner.withPropertyValues(properties.isEmpty() ? new String[0] : properties.split(","))
			.run((context) -> {
				GatewayObservation observation = startGatewayObservation(context);
				assertThat(observation).isNotNull();
				observation.stop(200, null);
				KeyValue key = observation.getObservation()
					.getContext()
					.getHighCardinalityKeyValue("inferred_proxy.service");
				assertThat((key != null) ? key.getValue() : null).isEqualTo(service);
			});
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			inferred-proxy.service.source=fixed                                         | needs a name
			inferred-proxy.service.source=fixed,inferred-proxy.service.name=            | needs a name
			inferred-proxy.service.name=orders                                           | the source is domain
			inferred-proxy.service.source=application,inferred-proxy.service.name=orders | the source is application
			""")
	void serviceNameWithoutFixedSourceFailsStartUp(String properties, String message) {
		this.contextRunner.withPropertyValues(properties.split(","))
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("inferred-proxy.service.name")
				.hasMessageContaining(message));
	}

	@Test
	void userConventionWins() {
		this.contextRunner.withBean("myConvention", InferredProxyObservationConvention.class,
				() -> new InferredProxyObservationConvention() {

					@Override
					public String getName() {
						return "my.gateway";
					}

				})
			.run((context) -> {
				assertThat(context).hasSingleBean(InferredProxyObservationConvention.class).hasBean("myConvention");
				GatewayObservation observation = startGatewayObservation(context);
				assertThat(observation).isNotNull();
				assertThat(observation.getObservation().getContext().getName()).isEqualTo("my.gateway");
			});
	}

	@Test
	void userTracingHandlerWins() {
		this.contextRunner
			.withBean("myTracingHandler", InferredProxyTracingObservationHandler.class,
					() -> new InferredProxyTracingObservationHandler(new SimpleTracer(), Propagator.NOOP))
			.run((context) -> assertThat(context).hasSingleBean(InferredProxyTracingObservationHandler.class)
				.hasBean("myTracingHandler"));
	}

	@Test
	void userObservationsBeanWins() {
		this.contextRunner
			.withBean("myObservations", InferredProxyObservations.class,
					() -> new InferredProxyObservations(ObservationRegistry.NOOP,
							new GatewayHeaderParser(Duration.ofMinutes(1), Duration.ZERO, false, TrustPolicy.none()),
							null, new DefaultInferredProxyObservationConvention(), List.of()))
			.run((context) -> assertThat(context).hasSingleBean(InferredProxyObservations.class)
				.hasBean("myObservations"));
	}

	@Test
	void tracingHandlerComesBeforeBootsReceiverHandlerWhichStays() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
					MicrometerTracingAutoConfiguration.class, InferredProxyAutoConfiguration.class))
			.withUserConfiguration(TracingConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(InferredProxyTracingObservationHandler.class)
					.hasSingleBean(PropagatingReceiverTracingObservationHandler.class);
				List<Object> handlers = context.getBeanProvider(TracingObservationHandler.class)
					.orderedStream()
					.map(Object.class::cast)
					.toList();
				assertThat(handlers.get(0)).isInstanceOf(InferredProxyTracingObservationHandler.class);
			});
	}

	private static void isOn(AssertableWebApplicationContext context) {
		assertThat(context).hasNotFailed()
			.hasSingleBean(InferredProxyObservations.class)
			.hasSingleBean(InferredProxyTracingObservationHandler.class);
	}

	private static void isOff(AssertableWebApplicationContext context) {
		assertThat(context).hasNotFailed()
			.doesNotHaveBean(InferredProxyObservations.class)
			.doesNotHaveBean(InferredProxyTracingObservationHandler.class)
			.doesNotHaveBean(InferredProxyObservationConvention.class)
			.doesNotHaveBean(InferredProxyProperties.class);
	}

	/**
	 * Simulate environment variables: Spring Boot treats a property source named
	 * {@code systemEnvironment} as the environment.
	 */
	private static <C extends ConfigurableApplicationContext> ApplicationContextInitializer<C> environmentVariables(
			Map<String, Object> variables) {
		return (context) -> context.getEnvironment()
			.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource("systemEnvironment", variables));
	}

	/**
	 * Start a gateway observation through the context's
	 * {@link InferredProxyObservations}, on a registry that has a handler (a registry
	 * without one creates no-op observations).
	 */
	private static GatewayObservation startGatewayObservation(AssertableWebApplicationContext context) {
		context.getBean(ObservationRegistry.class).observationConfig().observationHandler((observationContext) -> true);
		return context.getBean(InferredProxyObservations.class)
			.start(GatewayHeaders.lookup(GatewayHeaders.restApi(System.currentTimeMillis() - 10)), () -> null);
	}

	@Nested
	class Metrics {

		@Test
		void noMetricsBeansWithoutAMeterRegistry() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.run((context) -> assertThat(context).hasSingleBean(InferredProxyObservations.class)
					.doesNotHaveBean(InferredProxyMeterObservationHandler.class)
					.doesNotHaveBean(InferredProxyRejectionCounter.class));
		}

		@Test
		void noMetricsBeansWithoutMicrometerCoreOnTheClasspath() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
				.run((context) -> assertThat(context).hasSingleBean(InferredProxyObservations.class)
					.doesNotHaveBean(InferredProxyMeterObservationHandler.class)
					.doesNotHaveBean(InferredProxyRejectionCounter.class));
		}

		@Test
		void metricsBeansWithAMeterRegistry() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
				.run((context) -> assertThat(context).hasSingleBean(InferredProxyMeterObservationHandler.class)
					.hasSingleBean(InferredProxyRejectionCounter.class));
		}

		@Test
		void tagSetsAreBoundedByTheProperty() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
				.withPropertyValues("inferred-proxy.max-tag-sets=2")
				.run((context) -> {
					// Boot's ObservationRegistryPostProcessor registers the handler; done
					// by hand here.
					ObservationRegistry registry = ObservationRegistry.create();
					registry.observationConfig()
						.observationHandler(context.getBean(InferredProxyMeterObservationHandler.class));
					InferredProxyObservations observations = new InferredProxyObservations(registry,
							new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false,
									TrustPolicy.none()),
							null, new DefaultInferredProxyObservationConvention(), List.of());
					for (int i = 0; i < 5; i++) {
						Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 10);
						headers.put("x-dd-proxy-resource-path", "/forged/" + i);
						observations.start(headers::get, () -> null).stop(200, null);
					}
					assertThat(context.getBean(SimpleMeterRegistry.class).find("inferred.proxy.requests").timers())
						.extracting((timer) -> timer.getId().getTag("route"))
						.containsExactlyInAnyOrder("/forged/0", "/forged/1", "OTHER");
				});
		}

		@Test
		void userMeterHandlerWins() {
			SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withBean(SimpleMeterRegistry.class, () -> meterRegistry)
				.withBean("myMeterHandler", InferredProxyMeterObservationHandler.class,
						() -> new InferredProxyMeterObservationHandler(meterRegistry))
				.run((context) -> assertThat(context).hasSingleBean(InferredProxyMeterObservationHandler.class)
					.hasBean("myMeterHandler"));
		}

		@Test
		void rejectionsAreCounted() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
				.run((context) -> {
					Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis());
					headers.put("x-dd-proxy", "kong");
					assertThat(context.getBean(InferredProxyObservations.class)
						.start(GatewayHeaders.lookup(headers), () -> null)).isNull();
					assertThat(context.getBean(MeterRegistry.class)
						.get("inferred.proxy.rejected")
						.tag("reason", "unsupported-system")
						.counter()
						.count()).isEqualTo(1);
				});
		}

	}

	/**
	 * With Spring Boot's observation, tracing and metrics auto-configurations, as in an
	 * application.
	 */
	@Nested
	class WithBootObservability {

		private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
							MetricsAutoConfiguration.class, InferredProxyAutoConfiguration.class))
			.withUserConfiguration(TracingConfiguration.class)
			.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new);

		@Test
		void gatewayRequestIsTracedAndTimed() {
			this.runner.run((context) -> {
				long gatewayTime = System.currentTimeMillis() - 300;
				GatewayObservation observation = context.getBean(InferredProxyObservations.class)
					.start(GatewayHeaders.lookup(GatewayHeaders.restApi(gatewayTime)), () -> null);
				assertThat(observation).isNotNull();
				observation.stop(200, null);
				SimpleSpan span = context.getBean(SimpleTracer.class).onlySpan();
				assertThat(span.getName()).isEqualTo("aws.apigateway");
				assertThat(span.getStartTimestamp().toEpochMilli()).isEqualTo(gatewayTime);
				MeterRegistry meterRegistry = context.getBean(MeterRegistry.class);
				assertThat(meterRegistry.get("inferred.proxy.requests").timer().getId().getTags())
					.extracting(Tag::getKey)
					.containsExactlyInAnyOrder("system", "stage", "method", "route", "status", "outcome");
				assertThat(meterRegistry.get("inferred.proxy.transit").timer().count()).isEqualTo(1);
				// Boot's default meter handler did not also time it.
				assertThat(meterRegistry.find("inferred.proxy.requests.active").meters()).isEmpty();
			});
		}

		@Test
		void switchedOffByBootsObservationProperty() {
			this.runner.withPropertyValues("management.observations.enable.inferred.proxy=false").run((context) -> {
				GatewayObservation observation = context.getBean(InferredProxyObservations.class)
					.start(GatewayHeaders.lookup(GatewayHeaders.restApi(System.currentTimeMillis() - 10)), () -> null);
				assertThat(observation).isNull();
				assertThat(context.getBean(SimpleTracer.class).getSpans()).isEmpty();
				assertThat(context.getBean(MeterRegistry.class).find("inferred.proxy.requests").meters()).isEmpty();
				assertThat(context.getBean(MeterRegistry.class).find("inferred.proxy.rejected").counters())
					.allSatisfy((counter) -> assertThat(counter.count()).isZero());
			});
		}

		@Test
		void maxAgePropertyConfiguresTheParser() {
			this.runner.withPropertyValues("inferred-proxy.max-age=30s").run((context) -> {
				InferredProxyObservations observations = context.getBean(InferredProxyObservations.class);
				long now = System.currentTimeMillis();
				assertThat(observations.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now - 40_000)), () -> null))
					.isNull();
				assertThat(context.getBean(MeterRegistry.class)
					.get("inferred.proxy.rejected")
					.tag("reason", "request-time-too-old")
					.counter()
					.count()).isEqualTo(1);
			});
		}

		@Test
		void recordUserPropertyConfiguresTheParser() {
			this.runner.withPropertyValues("inferred-proxy.record-user=true").run((context) -> {
				GatewayObservation observation = context.getBean(InferredProxyObservations.class)
					.start(GatewayHeaders.lookup(GatewayHeaders.restApi(System.currentTimeMillis() - 10)), () -> null);
				observation.stop(200, null);
				assertThat(context.getBean(SimpleTracer.class).onlySpan().getTags()).containsEntry("aws_user",
						"arn:aws:iam::123456789012:user/alice");
			});
		}

	}

	@Nested
	class Servlet {

		private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
			.withConfiguration(AUTO_CONFIGURATION)
			.withUserConfiguration(TracingConfiguration.class);

		@Test
		void registersTheFilterOutsideSpringsObservationFilterForRequestAndAsyncDispatches() {
			this.runner.run((context) -> {
				assertThat(context).hasSingleBean(FilterRegistrationBean.class)
					.doesNotHaveBean(HttpHandlerDecoratorFactory.class);
				FilterRegistrationBean<?> registration = context.getBean(FilterRegistrationBean.class);
				assertThat(registration.getFilter()).isInstanceOf(InferredProxyFilter.class);
				assertThat(registration.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
				assertThat(registration.determineDispatcherTypes()).containsExactlyInAnyOrder(DispatcherType.REQUEST,
						DispatcherType.ASYNC);
			});
		}

		@Test
		void userFilterRegistrationWins() {
			this.runner.withUserConfiguration(UserFilterRegistrationConfiguration.class)
				.run((context) -> assertThat(context).hasSingleBean(FilterRegistrationBean.class)
					.hasBean("myFilterRegistration")
					.doesNotHaveBean("inferredProxyFilter"));
		}

		@Test
		void unrelatedFilterRegistrationDoesNotMakeItBackOff() {
			this.runner
				.withBean("otherFilter", FilterRegistrationBean.class,
						() -> new FilterRegistrationBean<>(new CharacterEncodingFilter()))
				.run((context) -> assertThat(context).hasBean("inferredProxyFilter").hasBean("otherFilter"));
		}

		@Test
		void noFilterWhenDisabled() {
			this.runner.withPropertyValues("inferred-proxy.enabled=false")
				.run((context) -> assertThat(context).doesNotHaveBean(FilterRegistrationBean.class));
		}

		@Test
		void noFilterWithoutTracing() {
			this.runner.withClassLoader(new FilteredClassLoader(Tracer.class))
				.run((context) -> assertThat(context).doesNotHaveBean(FilterRegistrationBean.class));
		}

	}

	@Nested
	class Reactive {

		private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
			.withConfiguration(AUTO_CONFIGURATION)
			.withUserConfiguration(TracingConfiguration.class);

		@Test
		void registersTheHttpHandlerDecoratorFactory() {
			this.runner.run((context) -> {
				assertThat(context).hasSingleBean(HttpHandlerDecoratorFactory.class)
					.hasBean("inferredProxyHttpHandlerDecoratorFactory")
					.doesNotHaveBean(FilterRegistrationBean.class);
				HttpHandler handler = (request, response) -> Mono.empty();
				assertThat(context.getBean(HttpHandlerDecoratorFactory.class).apply(handler))
					.isInstanceOf(InferredProxyHttpHandlerDecorator.class);
			});
		}

		@Test
		void decoratorFactoryIsTheOutermost() {
			this.runner.withBean("otherDecorator", HttpHandlerDecoratorFactory.class, () -> (handler) -> handler)
				.run((context) -> {
					List<HttpHandlerDecoratorFactory> factories = context
						.getBeanProvider(HttpHandlerDecoratorFactory.class)
						.orderedStream()
						.toList();
					assertThat(factories).hasSize(2);
					assertThat(factories.get(0)).isSameAs(context.getBean("inferredProxyHttpHandlerDecoratorFactory"));
				});
		}

		@Test
		void userDecoratorFactoryWithTheSameNameWins() {
			HttpHandlerDecoratorFactory mine = (handler) -> handler;
			this.runner
				.withBean("inferredProxyHttpHandlerDecoratorFactory", HttpHandlerDecoratorFactory.class, () -> mine)
				.run((context) -> assertThat(context.getBean(HttpHandlerDecoratorFactory.class)).isSameAs(mine));
		}

		@Test
		void noDecoratorWhenDisabledByTheDatadogAlias() {
			this.runner
				.withInitializer(environmentVariables(Map.of("DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED", "false")))
				.run((context) -> assertThat(context).doesNotHaveBean(HttpHandlerDecoratorFactory.class));
		}

	}

	@Nested
	class Trust {

		@Test
		void noTrustPolicyByDefault() {
			InferredProxyAutoConfigurationTests.this.contextRunner.run((context) -> {
				InferredProxyProperties.Trust trust = context.getBean(InferredProxyProperties.class).getTrust();
				assertThat(trust.getSharedSecret()).isNull();
				assertThat(trust.getSharedSecretHeader()).isEqualTo("x-dd-proxy-secret");
				assertThat(trust.getNetworks()).isEmpty();
				// Neither a secret nor an address is needed.
				assertThat(start(context, GatewayHeaders.restApi(System.currentTimeMillis() - 10), null)).isNotNull();
			});
		}

		@Test
		void propertiesBindAndConfigureThePolicy() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withPropertyValues("inferred-proxy.trust.shared-secret=s3cret",
						"inferred-proxy.trust.shared-secret-header=X-Gateway-Token",
						"inferred-proxy.trust.networks=10.0.0.0/8, 2001:db8::/32")
				.run((context) -> {
					InferredProxyProperties.Trust trust = context.getBean(InferredProxyProperties.class).getTrust();
					assertThat(trust.getSharedSecret()).isEqualTo("s3cret");
					assertThat(trust.getSharedSecretHeader()).isEqualTo("X-Gateway-Token");
					assertThat(trust.getNetworks()).containsExactly("10.0.0.0/8", "2001:db8::/32");
					Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 10);
					assertThat(start(context, headers, "10.0.0.1")).isNull();
					headers.put("x-gateway-token", "s3cret");
					assertThat(start(context, headers, "10.0.0.1")).isNotNull();
					assertThat(start(context, headers, "2001:db8::7")).isNotNull();
					assertThat(start(context, headers, "192.0.2.1")).isNull();
					assertThat(start(context, headers, null)).isNull();
				});
		}

		@Test
		void propertiesBindFromEnvironmentVariables() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withInitializer(environmentVariables(Map.of("INFERRED_PROXY_TRUST_SHARED_SECRET", "s3cret",
						"INFERRED_PROXY_TRUST_NETWORKS", "10.0.0.0/8,192.168.0.0/16")))
				.run((context) -> {
					InferredProxyProperties.Trust trust = context.getBean(InferredProxyProperties.class).getTrust();
					assertThat(trust.getSharedSecret()).isEqualTo("s3cret");
					assertThat(trust.getNetworks()).containsExactly("10.0.0.0/8", "192.168.0.0/16");
					Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 10);
					headers.put("x-dd-proxy-secret", "s3cret");
					assertThat(start(context, headers, "192.168.1.1")).isNotNull();
				});
		}

		@Test
		void emptyNetworksEnvironmentVariableMeansNoNetworkCheck() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withInitializer(environmentVariables(Map.of("INFERRED_PROXY_TRUST_NETWORKS", "")))
				.run((context) -> {
					assertThat(context.getBean(InferredProxyProperties.class).getTrust().getNetworks()).isEmpty();
					assertThat(start(context, GatewayHeaders.restApi(System.currentTimeMillis() - 10), null))
						.isNotNull();
				});
		}

		@Test
		void secretHeaderAloneConfiguresNothing() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withPropertyValues("inferred-proxy.trust.shared-secret-header=x-gateway-token")
				.run((context) -> assertThat(
						start(context, GatewayHeaders.restApi(System.currentTimeMillis() - 10), null))
					.isNotNull());
		}

		@ParameterizedTest
		@CsvSource(delimiter = '|', quoteCharacter = '`',
				value = { "inferred-proxy.trust.networks | 10.0.0.0/33", "inferred-proxy.trust.networks | localhost",
						"inferred-proxy.trust.networks | 10.1.0.0/8",
						"inferred-proxy.trust.networks | 10.0.0.0/8;192.168.0.0/16",
						"inferred-proxy.trust.networks | `10.0.0.0/8,`", "inferred-proxy.trust.shared-secret | ``",
						"inferred-proxy.trust.shared-secret | `  `" })
		void invalidValueFailsStartUpNamingTheProperty(String property, String value) {
			InferredProxyAutoConfigurationTests.this.contextRunner.withPropertyValues(property + "=" + value)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining(property));
		}

		@Test
		void invalidSecretHeaderFailsStartUpNamingTheProperty() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withPropertyValues("inferred-proxy.trust.shared-secret=s3cret",
						"inferred-proxy.trust.shared-secret-header=x gateway token")
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("inferred-proxy.trust.shared-secret-header"));
		}

		@Test
		void invalidSecretFailsStartUpWithoutShowingTheSecret() {
			InferredProxyAutoConfigurationTests.this.contextRunner
				.withPropertyValues("inferred-proxy.trust.shared-secret=s3cr\u00e9t-value")
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("inferred-proxy.trust.shared-secret")
					.message()
					.doesNotContain("s3cr"));
		}

		private static GatewayObservation start(AssertableWebApplicationContext context, Map<String, String> headers,
				String remoteAddress) {
			context.getBean(ObservationRegistry.class)
				.observationConfig()
				.observationHandler((observationContext) -> true);
			GatewayObservation observation = context.getBean(InferredProxyObservations.class)
				.start(GatewayHeaders.lookup(headers), () -> remoteAddress);
			if (observation != null) {
				observation.stop(200, null);
			}
			return observation;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TracingConfiguration {

		@Bean
		ObservationRegistry observationRegistry() {
			return ObservationRegistry.create();
		}

		@Bean
		SimpleTracer tracer() {
			return new SimpleTracer();
		}

		@Bean
		Propagator propagator(SimpleTracer tracer) {
			return new Propagator() {

				@Override
				public List<String> fields() {
					return List.of();
				}

				@Override
				public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
				}

				@Override
				public <C> Span.Builder extract(C carrier, Getter<C> getter) {
					return tracer.spanBuilder();
				}

			};
		}

	}

	@Nested
	@ExtendWith(OutputCaptureExtension.class)
	class ForwardedHeadersWarning {

		private static final String WARNING = "inferred-proxy.trust.networks is matched against the remote address";

		private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
			.withConfiguration(AUTO_CONFIGURATION)
			.withUserConfiguration(TracingConfiguration.class);

		private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
			.withConfiguration(AUTO_CONFIGURATION)
			.withUserConfiguration(TracingConfiguration.class);

		@ParameterizedTest(name = "{0} {1}: {2}")
		@CsvSource({ "servlet, server.forward-headers-strategy=native, internal-proxies",
				"servlet, server.forward-headers-strategy=NATIVE, internal-proxies",
				"servlet, server.forward-headers-strategy=framework, ForwardedHeaderFilter",
				"servlet, spring.main.cloud-platform=kubernetes, the default on KUBERNETES",
				"reactive, server.forward-headers-strategy=native, 'on Reactor Netty, any client'",
				"reactive, spring.main.cloud-platform=kubernetes, the default on KUBERNETES",
				"servlet, 'server.forward-headers-strategy= Native ', internal-proxies",
				"servlet, 'server.tomcat.remoteip.remote-ip-header=x-forwarded-for', remote-ip-header or protocol-header" })
		void warnsOnceWhenClientsCanSteerTheRemoteAddress(String stack, String property, String detail,
				CapturedOutput output) {
			run(stack, output, "inferred-proxy.trust.networks=10.0.0.0/8", property);
			assertThat(countOccurrences(output.toString(), WARNING)).isOne();
			assertThat(output).contains(detail).contains("inferred-proxy.trust.shared-secret");
		}

		@ParameterizedTest(name = "{0} {1} {2}")
		@CsvSource({ "servlet, server.forward-headers-strategy=native, inferred-proxy.trust.shared-secret=s3cret",
				"servlet, server.forward-headers-strategy=none, inferred-proxy.trust.networks=10.0.0.0/8",
				"servlet, spring.main.cloud-platform=none, inferred-proxy.trust.networks=10.0.0.0/8",
				"servlet, spring.main.cloud-platform=kubernetes, server.forward-headers-strategy=none",
				"reactive, server.forward-headers-strategy=framework, inferred-proxy.trust.networks=10.0.0.0/8",
				"reactive, server.tomcat.remoteip.remote-ip-header=x-forwarded-for, inferred-proxy.trust.networks=10.0.0.0/8" })
		void noWarningWhenTheRemoteAddressIsTheConnectionsOrNoNetworkIsTrusted(String stack, String property,
				String trust, CapturedOutput output) {
			run(stack, output, trust, property);
			assertThat(output).doesNotContain(WARNING);
		}

		@Test
		void noWarningWhenASharedSecretMustHoldToo(CapturedOutput output) {
			run("servlet", output, "inferred-proxy.trust.networks=10.0.0.0/8",
					"inferred-proxy.trust.shared-secret=s3cret-value", "server.forward-headers-strategy=native");
			assertThat(output).doesNotContain(WARNING);
		}

		@Test
		void emptyStrategyMeansTheCloudPlatformsDefault(CapturedOutput output) {
			run("servlet", output, "inferred-proxy.trust.networks=10.0.0.0/8", "server.forward-headers-strategy=",
					"spring.main.cloud-platform=kubernetes");
			assertThat(output).contains(WARNING).contains("the default on KUBERNETES");
		}

		@Test
		void withoutTomcatNativeTrustsAnyClient(CapturedOutput output) {
			this.servlet.withClassLoader(new FilteredClassLoader("org.apache.catalina.startup"))
				.withPropertyValues("inferred-proxy.trust.networks=10.0.0.0/8",
						"server.forward-headers-strategy=native")
				.run((context) -> assertThat(context).hasNotFailed());
			assertThat(output).contains(WARNING)
				.contains("on this server, any client")
				.doesNotContain("on Tomcat, any client");
		}

		private void run(String stack, CapturedOutput output, String... properties) {
			if (stack.equals("servlet")) {
				this.servlet.withPropertyValues(properties)
					.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(FilterRegistrationBean.class));
			}
			else {
				this.reactive.withPropertyValues(properties)
					.run((context) -> assertThat(context).hasNotFailed()
						.hasSingleBean(HttpHandlerDecoratorFactory.class));
			}
		}

		private static int countOccurrences(String text, String part) {
			int count = 0;
			for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
				count++;
			}
			return count;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilterRegistrationConfiguration {

		@Bean
		FilterRegistrationBean<InferredProxyFilter> myFilterRegistration(InferredProxyObservations observations) {
			return new FilterRegistrationBean<>(new InferredProxyFilter(observations));
		}

	}

}
