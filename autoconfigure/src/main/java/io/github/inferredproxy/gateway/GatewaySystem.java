package io.github.inferredproxy.gateway;

import org.jspecify.annotations.Nullable;

/**
 * The gateways whose {@code x-dd-proxy} header value the starter understands.
 *
 * @author Inferred Proxy contributors
 */
public enum GatewaySystem {

	/**
	 * Amazon API Gateway REST API (v1).
	 */
	AWS_APIGATEWAY("aws-apigateway", "aws.apigateway", "aws", "restapis"),

	/**
	 * Amazon API Gateway HTTP API (v2).
	 */
	AWS_HTTPAPI("aws-httpapi", "aws.httpapi", "aws", "apis"),

	/**
	 * Azure API Management.
	 */
	AZURE_APIM("azure-apim", "azure.apim", "azure", null);

	private final String value;

	private final String spanName;

	private final String cloudProvider;

	private final @Nullable String arnCollection;

	GatewaySystem(String value, String spanName, String cloudProvider, @Nullable String arnCollection) {
		this.value = value;
		this.spanName = spanName;
		this.cloudProvider = cloudProvider;
		this.arnCollection = arnCollection;
	}

	/**
	 * Return the {@code x-dd-proxy} header value, which is also the {@code component}.
	 * @return the header value, in lower case
	 */
	public String value() {
		return this.value;
	}

	/**
	 * Return the name of the gateway span, for example {@code aws.apigateway}.
	 * @return the span name
	 */
	public String spanName() {
		return this.spanName;
	}

	/**
	 * Return the OpenTelemetry {@code cloud.provider} value.
	 * @return {@code aws} or {@code azure}
	 */
	public String cloudProvider() {
		return this.cloudProvider;
	}

	/**
	 * Return the ARN of the API, for gateways that have one.
	 * @param region the region, may be {@code null}
	 * @param apiId the API id, may be {@code null}
	 * @return the ARN, at most {@value GatewayHeaderParser#MAX_VALUE_LENGTH} characters,
	 * or {@code null} when the gateway has no ARN or region or API id is unknown
	 */
	public @Nullable String arn(@Nullable String region, @Nullable String apiId) {
		if (this.arnCollection == null || region == null || apiId == null) {
			return null;
		}
		return GatewayHeaderParser
			.truncate("arn:" + partition(region) + ":apigateway:" + region + "::/" + this.arnCollection + "/" + apiId);
	}

	private static String partition(String region) {
		if (region.startsWith("cn-")) {
			return "aws-cn";
		}
		if (region.startsWith("us-gov-")) {
			return "aws-us-gov";
		}
		return "aws";
	}

	/**
	 * Return the system named by an {@code x-dd-proxy} header value, ignoring case.
	 * @param value the cleaned header value
	 * @return the system, or {@code null} when the value names no supported system
	 */
	public static @Nullable GatewaySystem fromValue(String value) {
		for (GatewaySystem system : values()) {
			if (system.value.equalsIgnoreCase(value)) {
				return system;
			}
		}
		return null;
	}

}
