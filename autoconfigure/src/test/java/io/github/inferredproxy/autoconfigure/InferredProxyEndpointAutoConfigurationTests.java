package io.github.inferredproxy.autoconfigure;

import java.util.List;
import java.util.Map;

import io.github.inferredproxy.actuate.InferredProxyEndpoint;
import io.github.inferredproxy.actuate.InferredProxyEndpoint.InferredProxyDescriptor;
import io.github.inferredproxy.actuate.InferredProxyRequestStatistics;
import io.github.inferredproxy.observation.GatewayObservation;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyEndpointAutoConfiguration} and the endpoint it exposes.
 */
class InferredProxyEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(InferredProxyAutoConfiguration.class,
				InferredProxyEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=inferredproxy");

	private final WebApplicationContextRunner withTracing = this.contextRunner
		.withBean(ObservationRegistry.class, InferredProxyEndpointAutoConfigurationTests::recordingRegistry)
		.withBean(Tracer.class, SimpleTracer::new)
		.withBean(Propagator.class, () -> Propagator.NOOP);

	@Test
	void activeWithTheDefaultSettingsAndNoRequestsYet() {
		this.withTracing.run((context) -> {
			InferredProxyDescriptor descriptor = context.getBean(InferredProxyEndpoint.class).inferredProxy();
			assertThat(descriptor.active()).isTrue();
			assertThat(descriptor.inactiveReason()).isNull();
			assertThat(descriptor.settings()).containsEntry("inferred-proxy.enabled", true)
				.containsEntry("inferred-proxy.max-age", "PT5M")
				.containsEntry("inferred-proxy.attribute-vocabulary", "both")
				.containsEntry("inferred-proxy.service.source", "domain")
				.containsEntry("inferred-proxy.trust.shared-secret", null)
				.containsEntry("inferred-proxy.trust.networks", List.of());
			assertThat(descriptor.requests().accepted()).isZero();
			assertThat(descriptor.requests().rejected()).containsEntry("untrusted", 0L).hasSize(8);
			assertThat(descriptor.requests().lastRejection()).isNull();
		});
	}

	@Test
	void countsAcceptedAndRejectedRequestsAndRemembersTheLastRejection() {
		this.withTracing.run((context) -> {
			InferredProxyObservations observations = context.getBean(InferredProxyObservations.class);
			GatewayObservation accepted = observations
				.start(GatewayHeaders.lookup(GatewayHeaders.restApi(System.currentTimeMillis() - 10)), () -> null);
			assertThat(accepted).isNotNull();
			accepted.stop(200, null);
			Map<String, String> old = GatewayHeaders.restApi(System.currentTimeMillis() - 3_600_000);
			assertThat(observations.start(GatewayHeaders.lookup(old), () -> null)).isNull();
			Map<String, String> noTime = GatewayHeaders.restApi(System.currentTimeMillis());
			noTime.remove("x-dd-proxy-request-time-ms");
			assertThat(observations.start(GatewayHeaders.lookup(noTime), () -> null)).isNull();
			InferredProxyDescriptor descriptor = context.getBean(InferredProxyEndpoint.class).inferredProxy();
			assertThat(descriptor.requests().accepted()).isOne();
			assertThat(descriptor.requests().rejected()).containsEntry("request-time-too-old", 1L)
				.containsEntry("missing-request-time", 1L)
				.containsEntry("untrusted", 0L);
			assertThat(descriptor.requests().lastRejection()).isNotNull();
			assertThat(descriptor.requests().lastRejection().reason()).isEqualTo("missing-request-time");
		});
	}

	@Test
	void hidesTheSharedSecret() {
		this.withTracing
			.withPropertyValues("inferred-proxy.trust.shared-secret=s3cr3t-value",
					"inferred-proxy.trust.networks=10.0.0.0/8")
			.run((context) -> {
				Map<String, Object> settings = context.getBean(InferredProxyEndpoint.class).inferredProxy().settings();
				assertThat(settings).containsEntry("inferred-proxy.trust.shared-secret", "******")
					.containsEntry("inferred-proxy.trust.networks", List.of("10.0.0.0/8"));
				assertThat(settings.toString()).doesNotContain("s3cr3t-value");
			});
	}

	@Test
	void saysItIsSwitchedOffAndByWhat() {
		this.withTracing.withPropertyValues("dd.trace.inferred.proxy.services.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(InferredProxyObservations.class);
			InferredProxyDescriptor descriptor = context.getBean(InferredProxyEndpoint.class).inferredProxy();
			assertThat(descriptor.active()).isFalse();
			assertThat(descriptor.inactiveReason())
				.isEqualTo("switched off by dd.trace.inferred.proxy.services.enabled=false "
						+ "(or DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED=false)");
			assertThat(descriptor.settings()).containsEntry("inferred-proxy.enabled", false);
		});
	}

	@Test
	void saysWhenTheObservationRegistrySwitchesTheGatewayObservationOff() {
		this.withTracing.run((context) -> {
			context.getBean(ObservationRegistry.class)
				.observationConfig()
				.observationPredicate((name, observationContext) -> !name.equals("inferred.proxy.requests"));
			InferredProxyDescriptor descriptor = context.getBean(InferredProxyEndpoint.class).inferredProxy();
			assertThat(descriptor.active()).isFalse();
			assertThat(descriptor.inactiveReason()).contains("management.observations.enable.inferred.proxy=false");
		});
	}

	@Test
	void saysWhatTheApplicationLacks() {
		this.contextRunner.withBean(ObservationRegistry.class, ObservationRegistry::create).run((context) -> {
			InferredProxyDescriptor descriptor = context.getBean(InferredProxyEndpoint.class).inferredProxy();
			assertThat(descriptor.active()).isFalse();
			assertThat(descriptor.inactiveReason()).contains("no Micrometer Tracing Tracer bean");
		});
	}

	@Test
	void notThereUnlessExposed() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InferredProxyAutoConfiguration.class,
					InferredProxyEndpointAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(InferredProxyEndpoint.class)
				.doesNotHaveBean(InferredProxyRequestStatistics.class));
	}

	@Test
	void notThereOutsideAWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(InferredProxyEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=inferredproxy")
			.run((context) -> assertThat(context).doesNotHaveBean(InferredProxyEndpoint.class));
	}

	private static ObservationRegistry recordingRegistry() {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler((context) -> true);
		return registry;
	}

}
