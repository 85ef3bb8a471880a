package io.github.inferredproxy.gateway;

import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GatewayRequest}.
 */
class GatewayRequestTests {

	private static final long NOW = 1_700_000_000_000L;

	@Test
	void builderSetsEveryValueByName() {
		GatewayRequest request = GatewayRequest.builder(GatewaySystem.AWS_HTTPAPI, NOW - 1000, NOW)
			.clockSkewMillis(5)
			.domain("api.example.com")
			.method("POST")
			.path("/orders")
			.stage("$default")
			.resourcePath("POST /orders")
			.accountId("123456789012")
			.apiId("xyz789")
			.region("eu-west-3")
			.user("alice")
			.userAgent("curl/8.5.0")
			.requestId("c6af9ac6-7b61-11e6-9a41-93e8deadbeef")
			.xrayTraceId("1-5759e988-bd862e3fe1be46a994272793")
			.secondPrecision(true)
			.build();
		assertThat(request.system()).isEqualTo(GatewaySystem.AWS_HTTPAPI);
		assertThat(request.startEpochMillis()).isEqualTo(NOW - 1000);
		assertThat(request.receivedEpochMillis()).isEqualTo(NOW);
		assertThat(request.transitMillis()).isEqualTo(1000);
		assertThat(request.clockSkewMillis()).isEqualTo(5);
		assertThat(request.domain()).isEqualTo("api.example.com");
		assertThat(request.method()).isEqualTo("POST");
		assertThat(request.path()).isEqualTo("/orders");
		assertThat(request.stage()).isEqualTo("$default");
		assertThat(request.resourcePath()).isEqualTo("POST /orders");
		assertThat(request.accountId()).isEqualTo("123456789012");
		assertThat(request.apiId()).isEqualTo("xyz789");
		assertThat(request.region()).isEqualTo("eu-west-3");
		assertThat(request.arn()).isEqualTo("arn:aws:apigateway:eu-west-3::/apis/xyz789");
		assertThat(request.user()).isEqualTo("alice");
		assertThat(request.userAgent()).isEqualTo("curl/8.5.0");
		assertThat(request.requestId()).isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
		assertThat(request.xrayTraceId()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
		assertThat(request.secondPrecision()).isTrue();
		assertThat(request.toString()).contains("domain=api.example.com", "secondPrecision=true");
	}

	@Test
	void unsetValuesAreNullAndTheTimeIsPreciseToTheMillisecond() {
		GatewayRequest request = GatewayRequest.builder(GatewaySystem.AZURE_APIM, NOW, NOW).build();
		assertThat(request.clockSkewMillis()).isZero();
		assertThat(request.domain()).isNull();
		assertThat(request.requestId()).isNull();
		assertThat(request.arn()).isNull();
		assertThat(request.secondPrecision()).isFalse();
	}

	@Test
	void requestsWithTheSameValuesAreEqual() {
		Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.put("x-dd-proxy", "aws-apigateway");
		headers.put("x-dd-proxy-request-time-ms", Long.toString(NOW - 20));
		headers.put("x-dd-proxy-domain-name", "api.example.com");
		headers.put("x-dd-proxy-stage", "prod");
		GatewayHeaderParser.Result parsed = new GatewayHeaderParser(java.time.Duration.ofMinutes(5),
				java.time.Duration.ofSeconds(5), false, TrustPolicy.none())
			.parse(headers::get, () -> null, NOW);
		GatewayRequest built = GatewayRequest.builder(GatewaySystem.AWS_APIGATEWAY, NOW - 20, NOW)
			.domain("api.example.com")
			.stage("prod")
			.build();
		assertThat(parsed).isEqualTo(built).hasSameHashCodeAs(built);
		assertThat(built).isNotEqualTo(GatewayRequest.builder(GatewaySystem.AWS_APIGATEWAY, NOW - 20, NOW)
			.domain("api.example.com")
			.stage("dev")
			.build());
	}

}
