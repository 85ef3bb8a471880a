package io.github.inferredproxy.observation;

import java.io.IOException;

import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.GatewaySystem;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyServerObservationHandler}, with no tracing handler at
 * all: the hand-over must not depend on one.
 */
class InferredProxyServerObservationHandlerTests {

	private final ObservationRegistry registry = ObservationRegistry.create();

	private final Observation gateway;

	InferredProxyServerObservationHandlerTests() {
		this.registry.observationConfig().observationHandler(new InferredProxyServerObservationHandler());
		long now = System.currentTimeMillis();
		GatewayRequest request = GatewayRequest.builder(GatewaySystem.AWS_APIGATEWAY, now - 10, now)
			.method("GET")
			.path("/prod/orders/1")
			.stage("prod")
			.build();
		this.gateway = Observation
			.createNotStarted("inferred.proxy.requests",
					() -> new InferredProxyContext(request, (name) -> null, System.nanoTime()), this.registry)
			.start();
	}

	@ParameterizedTest
	@CsvSource(nullValues = "none", value = { "/orders/{id}, /orders/{id}", "root, /", "/**, none", "NOT_FOUND, none",
			"REDIRECTION, none", "UNKNOWN, none" })
	void handsOverTheRouteTheApplicationMatched(String uri, @Nullable String route) {
		serverObservation(uri, null);
		assertThat(gatewayContext().getApplicationRoute()).isEqualTo(route);
	}

	@Test
	void handsOverAnExceptionOnlyTheServerObservationSaw() {
		IllegalStateException failure = new IllegalStateException("boom");
		serverObservation("/orders/{id}", failure);
		assertThat(gatewayContext().getError()).isSameAs(failure);
		assertThat(gatewayContext().isCancelled()).isFalse();
	}

	@Test
	void aClientThatWentAwayIsACancellationNotAnError() {
		serverObservation("/orders/{id}", new IOException("Connection reset by peer"));
		assertThat(gatewayContext().getError()).isNull();
		assertThat(gatewayContext().isCancelled()).isTrue();
	}

	@Test
	void leavesOtherObservationsAlone() {
		InferredProxyServerObservationHandler handler = new InferredProxyServerObservationHandler();
		assertThat(handler.supportsContext(gatewayContext())).isFalse();
		assertThat(handler.supportsContext(new ReceiverContext<>((carrier, key) -> null, Kind.SERVER))).isFalse();
		assertThat(handler.supportsContext(new Observation.Context())).isFalse();
	}

	private void serverObservation(String uri, @Nullable Throwable error) {
		ReceiverContext<Object> server = new ReceiverContext<>((carrier, key) -> null, Kind.SERVER);
		Observation observation;
		// As Spring creates it: while the gateway observation is current, its parent.
		try (Observation.Scope scope = this.gateway.openScope()) {
			observation = Observation.createNotStarted("http.server.requests", () -> server, this.registry)
				.lowCardinalityKeyValue("uri", uri)
				.start();
		}
		if (error != null) {
			observation.error(error);
		}
		observation.stop();
	}

	private InferredProxyContext gatewayContext() {
		return (InferredProxyContext) this.gateway.getContext();
	}

}
