package io.github.inferredproxy.test.examples.mvc;

// tag::example[]
import io.github.inferredproxy.test.AutoConfigureGatewaySpans;
import io.github.inferredproxy.test.GatewayHeaders;
import io.github.inferredproxy.test.GatewaySpans;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(OrderController.class)
@AutoConfigureGatewaySpans
class OrderControllerTests {

	@Autowired
	MockMvc mvc;

	@Autowired
	GatewaySpans spans;

	@Test
	void requestThroughTheGatewayHasAGatewaySpan() throws Exception {
		GatewayHeaders gateway = GatewayHeaders.restApi().request("GET", "/prod/orders/42").route("/orders/{id}");
		this.mvc.perform(get("/orders/42").with(gateway.mockMvc())).andExpect(status().isOk());
		assertThat(this.spans.await(gateway)).hasGatewaySpanAsParentOfServerSpan()
			.gatewaySpanHasName("aws.apigateway")
			.gatewaySpanStartsAtTheGatewayReceiveTime()
			.gatewaySpanHasAttribute("http.route", "/orders/{id}")
			.gatewaySpanIsNotError();
	}
	// end::example[]

	@Test
	void aForgedSystemHeaderGetsNoGatewaySpan() throws Exception {
		GatewayHeaders notAGateway = GatewayHeaders.restApi().header("x-dd-proxy", "kong");
		this.mvc.perform(get("/orders/42").with(notAGateway.mockMvc())).andExpect(status().isOk());
		assertThat(this.spans.await(notAGateway)).hasNoGatewaySpan();
	}

	@Test
	void aServerErrorMakesTheGatewaySpanAnError() throws Exception {
		GatewayHeaders gateway = GatewayHeaders.restApi();
		this.mvc.perform(get("/orders/broken").with(gateway.mockMvc())).andExpect(status().isServiceUnavailable());
		assertThat(this.spans.await(gateway)).hasGatewaySpanAsParentOfServerSpan()
			.gatewaySpanIsError()
			.gatewaySpanHasAttribute("http.status_code", "503");
	}

	// tag::example[]

}
// end::example[]
