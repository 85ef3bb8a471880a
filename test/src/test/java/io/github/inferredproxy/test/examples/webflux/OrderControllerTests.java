package io.github.inferredproxy.test.examples.webflux;

// tag::example[]
import io.github.inferredproxy.test.AutoConfigureGatewaySpans;
import io.github.inferredproxy.test.GatewayHeaders;
import io.github.inferredproxy.test.GatewaySpans;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webflux.test.autoconfigure.WebFluxTest;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

@WebFluxTest(OrderController.class)
@AutoConfigureGatewaySpans
class OrderControllerTests {

	@Autowired
	WebTestClient client;

	@Autowired
	GatewaySpans spans;

	@Test
	void requestThroughTheGatewayHasAGatewaySpan() {
		GatewayHeaders gateway = GatewayHeaders.httpApi().request("GET", "/orders/42").route("/orders/{id}");
		this.client.get().uri("/orders/42").headers(gateway.apply()).exchange().expectStatus().isOk();
		assertThat(this.spans.await(gateway)).hasGatewaySpanAsParentOfServerSpan()
			.gatewaySpanHasName("aws.httpapi")
			.gatewaySpanStartsAtTheGatewayReceiveTime()
			.gatewaySpanHasAttribute("http.route", "/orders/{id}");
	}
	// end::example[]

	@Test
	void withoutGatewayHeadersThereIsNoGatewaySpan() {
		GatewayHeaders noGateway = GatewayHeaders.restApi().without("x-dd-proxy");
		this.client.get().uri("/orders/42").headers(noGateway.apply()).exchange().expectStatus().isOk();
		assertThat(this.spans.await(noGateway)).hasNoGatewaySpan();
	}

	// tag::example[]

}
// end::example[]
