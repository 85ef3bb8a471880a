package io.github.inferredproxy.compat.kit;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.inferredproxy.test.AutoConfigureGatewaySpans;
import io.github.inferredproxy.test.GatewayHeaders;
import io.github.inferredproxy.test.GatewaySpans;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.web.servlet.MockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The test kit, compiled against Spring Boot 4, works on Spring Boot 3.5 from the same
 * jar: in a {@code @WebMvcTest} slice and over real HTTP.
 */
class TestKitOnBoot35Tests {

	@Nested
	@WebMvcTest(KitApplication.OrderController.class)
	@AutoConfigureGatewaySpans
	class Slice {

		@Autowired
		MockMvc mvc;

		@Autowired
		GatewaySpans spans;

		@Test
		void gatewaySpanInAWebMvcTest() throws Exception {
			assertThat(SpringBootVersion.getVersion()).startsWith("3.5.");
			GatewayHeaders gateway = GatewayHeaders.restApi().route("/orders/{id}");
			this.mvc.perform(get("/orders/42").with(gateway.mockMvc())).andExpect(status().isOk());
			assertThat(this.spans.await(gateway)).hasGatewaySpanAsParentOfServerSpan()
				.gatewaySpanStartsAtTheGatewayReceiveTime()
				.gatewaySpanHasAttribute("http.route", "/orders/{id}");
		}

		@Test
		void noGatewaySpanWithoutGatewayHeaders() throws Exception {
			GatewayHeaders noGateway = GatewayHeaders.restApi().without("x-dd-proxy");
			this.mvc.perform(get("/orders/42").with(noGateway.mockMvc())).andExpect(status().isOk());
			assertThat(this.spans.await(noGateway)).hasNoGatewaySpan();
		}

	}

	@Nested
	@SpringBootTest(classes = KitApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = "spring.main.web-application-type=servlet")
	@AutoConfigureGatewaySpans
	class OverHttp {

		@LocalServerPort
		int port;

		@Autowired
		GatewaySpans spans;

		@Test
		void gatewaySpanOverRealHttp() throws Exception {
			GatewayHeaders gateway = GatewayHeaders.restApi().receivedMillisAgo(80);
			HttpRequest.Builder request = HttpRequest
				.newBuilder(URI.create("http://localhost:" + this.port + "/orders/7"));
			gateway.asMap().forEach(request::header);
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(request.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(this.spans.await(gateway)).hasGatewaySpanAsParentOfServerSpan()
				.gatewaySpanStartsAtTheGatewayReceiveTime();
		}

	}

}
