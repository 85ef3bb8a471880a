package io.github.inferredproxy.gateway;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GatewaySystem}.
 */
class GatewaySystemTests {

	@Test
	void namesFollowTheHeaderContract() {
		assertThat(GatewaySystem.AWS_APIGATEWAY.value()).isEqualTo("aws-apigateway");
		assertThat(GatewaySystem.AWS_APIGATEWAY.spanName()).isEqualTo("aws.apigateway");
		assertThat(GatewaySystem.AWS_APIGATEWAY.cloudProvider()).isEqualTo("aws");
		assertThat(GatewaySystem.AWS_HTTPAPI.value()).isEqualTo("aws-httpapi");
		assertThat(GatewaySystem.AWS_HTTPAPI.spanName()).isEqualTo("aws.httpapi");
		assertThat(GatewaySystem.AWS_HTTPAPI.cloudProvider()).isEqualTo("aws");
		assertThat(GatewaySystem.AZURE_APIM.value()).isEqualTo("azure-apim");
		assertThat(GatewaySystem.AZURE_APIM.spanName()).isEqualTo("azure.apim");
		assertThat(GatewaySystem.AZURE_APIM.cloudProvider()).isEqualTo("azure");
	}

	@ParameterizedTest
	@CsvSource({ "aws-apigateway, AWS_APIGATEWAY", "AWS-ApiGateway, AWS_APIGATEWAY", "aws-httpapi, AWS_HTTPAPI",
			"AWS-HTTPAPI, AWS_HTTPAPI", "azure-apim, AZURE_APIM", "Azure-Apim, AZURE_APIM" })
	void fromValueIgnoresCase(String value, GatewaySystem expected) {
		assertThat(GatewaySystem.fromValue(value)).isEqualTo(expected);
	}

	@Test
	void fromValueReturnsNullForUnknownValues() {
		assertThat(GatewaySystem.fromValue("aws.apigateway")).isNull();
		assertThat(GatewaySystem.fromValue("AWS_APIGATEWAY")).isNull();
		assertThat(GatewaySystem.fromValue("")).isNull();
		assertThat(GatewaySystem.fromValue("kong")).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "eu-west-3, arn:aws:apigateway:eu-west-3::/restapis/abc123",
			"us-east-1, arn:aws:apigateway:us-east-1::/restapis/abc123",
			"cn-north-1, arn:aws-cn:apigateway:cn-north-1::/restapis/abc123",
			"cn-northwest-1, arn:aws-cn:apigateway:cn-northwest-1::/restapis/abc123",
			"us-gov-west-1, arn:aws-us-gov:apigateway:us-gov-west-1::/restapis/abc123",
			"us-gov-east-1, arn:aws-us-gov:apigateway:us-gov-east-1::/restapis/abc123" })
	void restApiArnUsesTheRegionsPartition(String region, String expected) {
		assertThat(GatewaySystem.AWS_APIGATEWAY.arn(region, "abc123")).isEqualTo(expected);
	}

	@ParameterizedTest
	@CsvSource({ "eu-west-3, arn:aws:apigateway:eu-west-3::/apis/xyz789",
			"cn-north-1, arn:aws-cn:apigateway:cn-north-1::/apis/xyz789",
			"us-gov-west-1, arn:aws-us-gov:apigateway:us-gov-west-1::/apis/xyz789" })
	void httpApiArnUsesTheApisCollection(String region, String expected) {
		assertThat(GatewaySystem.AWS_HTTPAPI.arn(region, "xyz789")).isEqualTo(expected);
	}

	@Test
	void usEastIsNotMistakenForGovCloud() {
		assertThat(GatewaySystem.AWS_APIGATEWAY.arn("us-east-2", "a")).startsWith("arn:aws:");
	}

	@Test
	void azureHasNoArn() {
		assertThat(GatewaySystem.AZURE_APIM.arn("westeurope", "my-apim")).isNull();
	}

	@Test
	void noArnWithoutRegionOrApiId() {
		for (GatewaySystem system : GatewaySystem.values()) {
			assertThat(system.arn(null, "abc123")).as(system.name()).isNull();
			assertThat(system.arn("eu-west-3", null)).as(system.name()).isNull();
			assertThat(system.arn(null, null)).as(system.name()).isNull();
		}
	}

}
