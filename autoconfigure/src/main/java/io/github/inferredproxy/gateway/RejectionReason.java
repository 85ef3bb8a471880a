package io.github.inferredproxy.gateway;

/**
 * Why a request that carried an {@code x-dd-proxy} header got no gateway span. The
 * {@link #tagValue() tag value} is the {@code reason} tag of the
 * {@code inferred.proxy.rejected} counter.
 *
 * @author Inferred Proxy contributors
 */
public enum RejectionReason implements GatewayHeaderParser.Result {

	/**
	 * The {@code x-dd-proxy} value names no supported gateway.
	 */
	UNSUPPORTED_SYSTEM("unsupported-system",
			"x-dd-proxy names no supported gateway: map it to the static value 'aws-apigateway', "
					+ "'aws-httpapi' or 'azure-apim'"),

	/**
	 * The {@code x-dd-proxy-request-time-ms} header is missing.
	 */
	MISSING_REQUEST_TIME("missing-request-time",
			"x-dd-proxy-request-time-ms is missing: map it to context.requestTimeEpoch "
					+ "(REST API) or ${context.requestTimeEpoch}000 (HTTP API)"),

	/**
	 * The {@code x-dd-proxy-request-time-ms} header is not 1 to 19 ASCII digits.
	 */
	MALFORMED_REQUEST_TIME("malformed-request-time",
			"x-dd-proxy-request-time-ms is not epoch milliseconds (1 to 19 digits): map it to "
					+ "context.requestTimeEpoch (REST API) or ${context.requestTimeEpoch}000 (HTTP API)"),

	/**
	 * The request time is older than {@code inferred-proxy.max-age}.
	 */
	REQUEST_TIME_TOO_OLD("request-time-too-old",
			"x-dd-proxy-request-time-ms is older than inferred-proxy.max-age: check that it is in "
					+ "milliseconds (HTTP API: ${context.requestTimeEpoch}000) and the clocks are synchronised"),

	/**
	 * The request time is further in the future than
	 * {@code inferred-proxy.clock-skew-tolerance}.
	 */
	REQUEST_TIME_IN_FUTURE("request-time-in-future",
			"x-dd-proxy-request-time-ms is further in the future than inferred-proxy.clock-skew-tolerance: "
					+ "check that it is in milliseconds and the clocks are synchronised"),

	/**
	 * The request did not pass the trust policy ({@code inferred-proxy.trust.*}): a
	 * missing or wrong shared secret, or a remote address outside the trusted networks.
	 */
	UNTRUSTED("untrusted",
			"the request did not pass the trust policy (inferred-proxy.trust.*): check that the gateway mapping "
					+ "sets the shared secret header (inferred-proxy.trust.shared-secret-header, x-dd-proxy-secret "
					+ "by default) to the static value of inferred-proxy.trust.shared-secret, and that "
					+ "inferred-proxy.trust.networks contains the address requests arrive from: behind a load "
					+ "balancer or proxy that is its address, not the gateway's (forged gateway headers are rejected "
					+ "this way too)"),

	/**
	 * A required header holds control characters.
	 */
	INVALID_HEADER("invalid-header", "x-dd-proxy or x-dd-proxy-request-time-ms holds control characters"),

	/**
	 * The starter failed unexpectedly; the request was served without a gateway span.
	 */
	INTERNAL_ERROR("internal-error",
			"creating the gateway span failed unexpectedly (the exception follows; later ones are logged at DEBUG)");

	private final String tagValue;

	private final String advice;

	RejectionReason(String tagValue, String advice) {
		this.tagValue = tagValue;
		this.advice = advice;
	}

	/**
	 * Return the value of the {@code reason} tag.
	 * @return the tag value
	 */
	public String tagValue() {
		return this.tagValue;
	}

	/**
	 * Return a sentence that tells the user which gateway mapping to fix.
	 * @return the advice
	 */
	public String advice() {
		return this.advice;
	}

}
