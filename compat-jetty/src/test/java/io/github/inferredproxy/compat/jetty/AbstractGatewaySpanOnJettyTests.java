package io.github.inferredproxy.compat.jetty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.inferredproxy.test.GatewayHeaders;
import io.github.inferredproxy.test.GatewaySpans;
import io.github.inferredproxy.test.GatewayTrace;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway span on Jetty, over real HTTP: the parent of Jetty's server span, from the
 * gateway's receive time to the end of the response, also for an async request and a
 * failing one.
 */
abstract class AbstractGatewaySpanOnJettyTests {

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	GatewaySpans spans;

	@Test
	void theServerIsJetty() {
		assertThat(this.context.getWebServer()).isInstanceOf(JettyWebServer.class);
	}

	@Test
	void gatewaySpanIsTheParentOfTheServerSpan() throws Exception {
		GatewayHeaders gateway = GatewayHeaders.restApi().route("/orders/{id}").receivedMillisAgo(120);
		assertThat(get("/orders/7", gateway).statusCode()).isEqualTo(200);
		assertThat(this.spans.await(gateway)).hasGatewaySpanAsParentOfServerSpan()
			.gatewaySpanHasName("aws.apigateway")
			.gatewaySpanStartsAtTheGatewayReceiveTime()
			.gatewaySpanHasAttribute("http.route", "/orders/{id}")
			.gatewaySpanHasAttribute("http.response.status_code", 200L)
			.gatewaySpanIsNotError();
	}

	@Test
	void asyncRequestEndsAfterItsServerSpan() throws Exception {
		GatewayHeaders gateway = GatewayHeaders.httpApi().route("/orders/{id}/shipment");
		HttpResponse<String> response = get("/orders/7/shipment", gateway);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("shipment of order 7");
		GatewayTrace trace = this.spans.await(gateway);
		assertThat(trace).hasGatewaySpanAsParentOfServerSpan()
			.gatewaySpanHasAttribute("http.response.status_code", 200L);
		assertThat(trace.gatewaySpan().getEndEpochNanos())
			.isGreaterThanOrEqualTo(trace.serverSpan().getEndEpochNanos());
	}

	@Test
	void failingRequestMakesAnErrorGatewaySpan() throws Exception {
		GatewayHeaders gateway = GatewayHeaders.restApi().route("/orders/{id}/refund");
		assertThat(get("/orders/1/refund", gateway).statusCode()).isEqualTo(500);
		assertThat(this.spans.await(gateway)).hasGatewaySpanAsParentOfServerSpan()
			.gatewaySpanHasAttribute("http.response.status_code", 500L)
			.gatewaySpanIsError();
	}

	private HttpResponse<String> get(String path, GatewayHeaders gateway) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path));
		gateway.asMap().forEach(request::header);
		return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

}
