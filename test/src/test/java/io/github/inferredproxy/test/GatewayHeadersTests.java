package io.github.inferredproxy.test;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpHeaders;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockServletContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GatewayHeaders}.
 */
class GatewayHeadersTests {

	@Test
	void restApiHasTheRequiredHeadersARecentReceiveTimeAndAFreshTraceparent() {
		long before = System.currentTimeMillis();
		GatewayHeaders headers = GatewayHeaders.restApi();
		Map<String, String> map = headers.asMap();
		assertThat(map).containsEntry("x-dd-proxy", "aws-apigateway")
			.containsEntry("x-dd-proxy-domain-name", "api.example.com")
			.containsEntry("x-dd-proxy-stage", "test")
			.containsEntry("x-dd-proxy-region", "eu-west-3")
			.containsEntry("x-dd-proxy-request-time-ms", Long.toString(headers.receivedAt()))
			.containsEntry("traceparent", "00-" + headers.traceId() + "-" + headers.upstreamSpanId() + "-01");
		assertThat(headers.receivedAt()).isBetween(before - 10, before);
		assertThat(headers.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
		assertThat(headers.upstreamSpanId()).matches("[0-9a-f]{16}").isNotEqualTo("0".repeat(16));
		assertThat(GatewayHeaders.restApi().traceId()).isNotEqualTo(headers.traceId());
	}

	@Test
	void eachGatewayHasItsSystem() {
		assertThat(GatewayHeaders.httpApi().asMap()).containsEntry("x-dd-proxy", "aws-httpapi");
		assertThat(GatewayHeaders.azureApiManagement().asMap()).containsEntry("x-dd-proxy", "azure-apim")
			.containsEntry("x-dd-proxy-region", "westeurope")
			.doesNotContainKey("x-dd-proxy-api-id");
	}

	@Test
	void everyHeaderCanBeSetOrLeftOut() {
		GatewayHeaders headers = GatewayHeaders.restApi()
			.receivedAt(1_700_000_000_000L)
			.domain("orders.example.com")
			.stage("prod")
			.request("POST", "/prod/orders")
			.route("/orders")
			.header("x-dd-proxy-user", "alice")
			.without("x-dd-proxy-region");
		assertThat(headers.receivedAt()).isEqualTo(1_700_000_000_000L);
		assertThat(headers.asMap()).containsEntry("x-dd-proxy-request-time-ms", "1700000000000")
			.containsEntry("x-dd-proxy-domain-name", "orders.example.com")
			.containsEntry("x-dd-proxy-stage", "prod")
			.containsEntry("x-dd-proxy-httpmethod", "POST")
			.containsEntry("x-dd-proxy-path", "/prod/orders")
			.containsEntry("x-dd-proxy-resource-path", "/orders")
			.containsEntry("x-dd-proxy-user", "alice")
			.doesNotContainKey("x-dd-proxy-region");
	}

	@Test
	void adaptersCarryEveryHeader() {
		GatewayHeaders headers = GatewayHeaders.restApi().route("/orders/{id}");
		HttpHeaders httpHeaders = headers.httpHeaders();
		HttpHeaders applied = new HttpHeaders();
		headers.apply().accept(applied);
		MockHttpServletRequest request = headers.mockMvc()
			.postProcessRequest(new MockHttpServletRequest(new MockServletContext()));
		headers.asMap().forEach((name, value) -> {
			assertThat(httpHeaders.getFirst(name)).as(name).isEqualTo(value);
			assertThat(applied.getFirst(name)).as(name).isEqualTo(value);
			assertThat(request.getHeader(name)).as(name).isEqualTo(value);
		});
		assertThat(httpHeaders.size()).isEqualTo(headers.asMap().size());
	}

}
