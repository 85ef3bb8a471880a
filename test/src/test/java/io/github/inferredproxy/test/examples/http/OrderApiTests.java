package io.github.inferredproxy.test.examples.http;

// tag::example[]
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.inferredproxy.test.AutoConfigureGatewaySpans;
import io.github.inferredproxy.test.GatewayHeaders;
import io.github.inferredproxy.test.GatewaySpans;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@AutoConfigureGatewaySpans
class OrderApiTests {

	@LocalServerPort
	int port;

	@Autowired
	GatewaySpans spans;

	@Test
	void requestOverHttpHasAGatewaySpan() throws Exception {
		GatewayHeaders gateway = GatewayHeaders.restApi().route("/orders/{id}").receivedMillisAgo(120);
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/orders/7"));
		gateway.asMap().forEach(request::header);
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		// The response can arrive before the spans have ended: await waits for them.
		assertThat(this.spans.await(gateway)).hasGatewaySpanAsParentOfServerSpan()
			.gatewaySpanStartsAtTheGatewayReceiveTime()
			.gatewaySpanHasAttribute("http.response.status_code", 200L);
	}
	// end::example[]

	// tag::example[]

}
// end::example[]
