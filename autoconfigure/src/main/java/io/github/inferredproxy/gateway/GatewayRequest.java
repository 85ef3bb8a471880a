package io.github.inferredproxy.gateway;

import org.jspecify.annotations.Nullable;

/**
 * What the gateway told the application about a request, validated and cleaned: every
 * text is trimmed, unquoted, free of control characters and at most
 * {@value GatewayHeaderParser#MAX_VALUE_LENGTH} characters long, or {@code null} when its
 * header was missing or unusable.
 *
 * @param system the gateway
 * @param startEpochMillis when the gateway received the request, clamped to
 * {@code receivedEpochMillis} when the gateway's clock was slightly ahead
 * @param receivedEpochMillis when the application received the request
 * @param clockSkewMillis how far ahead of the application's clock the gateway's time was
 * ({@code 0} when it was not ahead)
 * @param domain the gateway host ({@code x-dd-proxy-domain-name})
 * @param method the HTTP method the client sent ({@code x-dd-proxy-httpmethod})
 * @param path the raw path the client sent ({@code x-dd-proxy-path})
 * @param stage the deployment stage ({@code x-dd-proxy-stage})
 * @param resourcePath the route template ({@code x-dd-proxy-resource-path})
 * @param accountId the cloud account ({@code x-dd-proxy-account-id})
 * @param apiId the API id ({@code x-dd-proxy-api-id})
 * @param region the region ({@code x-dd-proxy-region})
 * @param user the caller identity ({@code x-dd-proxy-user}), only when recording it is
 * enabled
 * @param userAgent the client's {@code User-Agent}
 * @param requestId the gateway's id of the request ({@code x-dd-proxy-request-id}),
 * which its access log also writes: at most
 * {@value GatewayHeaderParser#MAX_REQUEST_ID_LENGTH} visible ASCII characters, else
 * {@code null}
 * @param xrayTraceId the X-Ray trace id, the {@code Root} of the request's
 * {@code X-Amzn-Trace-Id} header, when it has the X-Ray format
 * ({@code 1-5759e988-bd862e3fe1be46a994272793}), else {@code null}
 * @param secondPrecision whether the gateway's time was known to the second only (an HTTP
 * API's {@code requestTimeEpoch}): the span may start up to 999 ms early and the transit
 * is not measured
 * @author Inferred Proxy contributors
 */
public record GatewayRequest(GatewaySystem system, long startEpochMillis, long receivedEpochMillis,
		long clockSkewMillis, @Nullable String domain, @Nullable String method, @Nullable String path,
		@Nullable String stage, @Nullable String resourcePath, @Nullable String accountId, @Nullable String apiId,
		@Nullable String region, @Nullable String user, @Nullable String userAgent, @Nullable String requestId,
		@Nullable String xrayTraceId, boolean secondPrecision) implements GatewayHeaderParser.Result {

	/**
	 * Create a request without a user agent, request id or X-Ray trace id, whose gateway
	 * time is precise to the millisecond.
	 * @param system the gateway
	 * @param startEpochMillis when the gateway received the request
	 * @param receivedEpochMillis when the application received the request
	 * @param clockSkewMillis how far ahead of the application's clock the gateway's time
	 * was
	 * @param domain the gateway host
	 * @param method the HTTP method the client sent
	 * @param path the raw path the client sent
	 * @param stage the deployment stage
	 * @param resourcePath the route template
	 * @param accountId the cloud account
	 * @param apiId the API id
	 * @param region the region
	 * @param user the caller identity
	 */
	public GatewayRequest(GatewaySystem system, long startEpochMillis, long receivedEpochMillis, long clockSkewMillis,
			@Nullable String domain, @Nullable String method, @Nullable String path, @Nullable String stage,
			@Nullable String resourcePath, @Nullable String accountId, @Nullable String apiId,
			@Nullable String region, @Nullable String user) {
		this(system, startEpochMillis, receivedEpochMillis, clockSkewMillis, domain, method, path, stage, resourcePath,
				accountId, apiId, region, user, null, null, null, false);
	}

	/**
	 * Return the time between the gateway's receipt and the application's.
	 * @return the transit time in milliseconds, never negative
	 */
	public long transitMillis() {
		return this.receivedEpochMillis - this.startEpochMillis;
	}

	/**
	 * Return the ARN of the API, when the gateway has one and its parts are known.
	 * @return the ARN or {@code null}
	 */
	public @Nullable String arn() {
		return this.system.arn(this.region, this.apiId);
	}

}
