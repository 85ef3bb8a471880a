package io.github.inferredproxy.gateway;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What the gateway told the application about a request, validated and cleaned: every
 * text is trimmed, unquoted, free of control characters and at most
 * {@value GatewayHeaderParser#MAX_VALUE_LENGTH} characters long, or {@code null} when its
 * header was missing or unusable. Immutable; {@link GatewayHeaderParser} creates it from
 * the request headers, and {@link #builder} for a test or a custom convention, by name.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewayRequest implements GatewayHeaderParser.Result {

	private final GatewaySystem system;

	private final long startEpochMillis;

	private final long receivedEpochMillis;

	private final long clockSkewMillis;

	private final @Nullable String domain;

	private final @Nullable String method;

	private final @Nullable String path;

	private final @Nullable String stage;

	private final @Nullable String resourcePath;

	private final @Nullable String accountId;

	private final @Nullable String apiId;

	private final @Nullable String region;

	private final @Nullable String user;

	private final @Nullable String userAgent;

	private final @Nullable String requestId;

	private final @Nullable String xrayTraceId;

	private final boolean secondPrecision;

	// Positional, for the parser only: a builder would cost every gateway request an
	// object.
	GatewayRequest(GatewaySystem system, long startEpochMillis, long receivedEpochMillis, long clockSkewMillis,
			@Nullable String domain, @Nullable String method, @Nullable String path, @Nullable String stage,
			@Nullable String resourcePath, @Nullable String accountId, @Nullable String apiId, @Nullable String region,
			@Nullable String user, @Nullable String userAgent, @Nullable String requestId, @Nullable String xrayTraceId,
			boolean secondPrecision) {
		this.system = system;
		this.startEpochMillis = startEpochMillis;
		this.receivedEpochMillis = receivedEpochMillis;
		this.clockSkewMillis = clockSkewMillis;
		this.domain = domain;
		this.method = method;
		this.path = path;
		this.stage = stage;
		this.resourcePath = resourcePath;
		this.accountId = accountId;
		this.apiId = apiId;
		this.region = region;
		this.user = user;
		this.userAgent = userAgent;
		this.requestId = requestId;
		this.xrayTraceId = xrayTraceId;
		this.secondPrecision = secondPrecision;
	}

	/**
	 * Start building a request.
	 * @param system the gateway
	 * @param startEpochMillis when the gateway received the request
	 * @param receivedEpochMillis when the application received the request
	 * @return the builder; every text is {@code null} and the time precise to the
	 * millisecond unless set
	 */
	public static Builder builder(GatewaySystem system, long startEpochMillis, long receivedEpochMillis) {
		return new Builder(system, startEpochMillis, receivedEpochMillis);
	}

	/**
	 * Return the gateway.
	 * @return the value
	 */
	public GatewaySystem system() {
		return this.system;
	}

	/**
	 * Return when the gateway received the request, clamped to the application's receipt
	 * when the gateway's clock was slightly ahead.
	 * @return the value
	 */
	public long startEpochMillis() {
		return this.startEpochMillis;
	}

	/**
	 * Return when the application received the request.
	 * @return the value
	 */
	public long receivedEpochMillis() {
		return this.receivedEpochMillis;
	}

	/**
	 * Return how far ahead of the application's clock the gateway's time was ({@code 0}
	 * when it was not ahead).
	 * @return the value
	 */
	public long clockSkewMillis() {
		return this.clockSkewMillis;
	}

	/**
	 * Return the gateway host ({@code x-dd-proxy-domain-name}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String domain() {
		return this.domain;
	}

	/**
	 * Return the HTTP method the client sent ({@code x-dd-proxy-httpmethod}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String method() {
		return this.method;
	}

	/**
	 * Return the raw path the client sent ({@code x-dd-proxy-path}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String path() {
		return this.path;
	}

	/**
	 * Return the deployment stage ({@code x-dd-proxy-stage}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String stage() {
		return this.stage;
	}

	/**
	 * Return the route template ({@code x-dd-proxy-resource-path}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String resourcePath() {
		return this.resourcePath;
	}

	/**
	 * Return the cloud account ({@code x-dd-proxy-account-id}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String accountId() {
		return this.accountId;
	}

	/**
	 * Return the API id ({@code x-dd-proxy-api-id}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String apiId() {
		return this.apiId;
	}

	/**
	 * Return the region ({@code x-dd-proxy-region}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String region() {
		return this.region;
	}

	/**
	 * Return the caller identity ({@code x-dd-proxy-user}), only when recording it is
	 * enabled.
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String user() {
		return this.user;
	}

	/**
	 * Return the client's {@code User-Agent}.
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String userAgent() {
		return this.userAgent;
	}

	/**
	 * Return the gateway's id of the request ({@code x-dd-proxy-request-id}), which its
	 * access log also writes: at most {@value GatewayHeaderParser#MAX_REQUEST_ID_LENGTH}
	 * visible ASCII characters.
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String requestId() {
		return this.requestId;
	}

	/**
	 * Return the X-Ray trace id, the {@code Root} of the request's
	 * {@code X-Amzn-Trace-Id} header, in the X-Ray format
	 * ({@code 1-5759e988-bd862e3fe1be46a994272793}).
	 * @return the value, or {@code null} when unknown
	 */
	public @Nullable String xrayTraceId() {
		return this.xrayTraceId;
	}

	/**
	 * Return whether the gateway's time was known to the second only (an HTTP API's
	 * {@code
	 * requestTimeEpoch}): the span may start up to 999 ms early and the transit is not
	 * measured.
	 * @return the value
	 */
	public boolean secondPrecision() {
		return this.secondPrecision;
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

	@Override
	public boolean equals(@Nullable Object obj) {
		if (this == obj) {
			return true;
		}
		if (!(obj instanceof GatewayRequest other)) {
			return false;
		}
		return this.system == other.system && this.startEpochMillis == other.startEpochMillis
				&& this.receivedEpochMillis == other.receivedEpochMillis
				&& this.clockSkewMillis == other.clockSkewMillis && Objects.equals(this.domain, other.domain)
				&& Objects.equals(this.method, other.method) && Objects.equals(this.path, other.path)
				&& Objects.equals(this.stage, other.stage) && Objects.equals(this.resourcePath, other.resourcePath)
				&& Objects.equals(this.accountId, other.accountId) && Objects.equals(this.apiId, other.apiId)
				&& Objects.equals(this.region, other.region) && Objects.equals(this.user, other.user)
				&& Objects.equals(this.userAgent, other.userAgent) && Objects.equals(this.requestId, other.requestId)
				&& Objects.equals(this.xrayTraceId, other.xrayTraceId) && this.secondPrecision == other.secondPrecision;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.system, this.startEpochMillis, this.receivedEpochMillis, this.clockSkewMillis,
				this.domain, this.method, this.path, this.stage, this.resourcePath, this.accountId, this.apiId,
				this.region, this.user, this.userAgent, this.requestId, this.xrayTraceId, this.secondPrecision);
	}

	@Override
	public String toString() {
		return "GatewayRequest[system=" + this.system + ", startEpochMillis=" + this.startEpochMillis
				+ ", receivedEpochMillis=" + this.receivedEpochMillis + ", clockSkewMillis=" + this.clockSkewMillis
				+ ", domain=" + this.domain + ", method=" + this.method + ", path=" + this.path + ", stage="
				+ this.stage + ", resourcePath=" + this.resourcePath + ", accountId=" + this.accountId + ", apiId="
				+ this.apiId + ", region=" + this.region + ", user=" + this.user + ", userAgent=" + this.userAgent
				+ ", requestId=" + this.requestId + ", xrayTraceId=" + this.xrayTraceId + ", secondPrecision="
				+ this.secondPrecision + "]";
	}

	/**
	 * Builds a {@link GatewayRequest} by name. The values are taken as they are: the
	 * parser's cleaning and bounds are not applied.
	 */
	public static final class Builder {

		private final GatewaySystem system;

		private final long startEpochMillis;

		private final long receivedEpochMillis;

		private long clockSkewMillis;

		private @Nullable String domain;

		private @Nullable String method;

		private @Nullable String path;

		private @Nullable String stage;

		private @Nullable String resourcePath;

		private @Nullable String accountId;

		private @Nullable String apiId;

		private @Nullable String region;

		private @Nullable String user;

		private @Nullable String userAgent;

		private @Nullable String requestId;

		private @Nullable String xrayTraceId;

		private boolean secondPrecision;

		private Builder(GatewaySystem system, long startEpochMillis, long receivedEpochMillis) {
			this.system = system;
			this.startEpochMillis = startEpochMillis;
			this.receivedEpochMillis = receivedEpochMillis;
		}

		/**
		 * Set how far ahead of the application's clock the gateway's time was ({@code 0}
		 * when it was not ahead).
		 * @param clockSkewMillis the value
		 * @return this builder
		 */
		public Builder clockSkewMillis(long clockSkewMillis) {
			this.clockSkewMillis = clockSkewMillis;
			return this;
		}

		/**
		 * Set the gateway host ({@code x-dd-proxy-domain-name}).
		 * @param domain the value
		 * @return this builder
		 */
		public Builder domain(@Nullable String domain) {
			this.domain = domain;
			return this;
		}

		/**
		 * Set the HTTP method the client sent ({@code x-dd-proxy-httpmethod}).
		 * @param method the value
		 * @return this builder
		 */
		public Builder method(@Nullable String method) {
			this.method = method;
			return this;
		}

		/**
		 * Set the raw path the client sent ({@code x-dd-proxy-path}).
		 * @param path the value
		 * @return this builder
		 */
		public Builder path(@Nullable String path) {
			this.path = path;
			return this;
		}

		/**
		 * Set the deployment stage ({@code x-dd-proxy-stage}).
		 * @param stage the value
		 * @return this builder
		 */
		public Builder stage(@Nullable String stage) {
			this.stage = stage;
			return this;
		}

		/**
		 * Set the route template ({@code x-dd-proxy-resource-path}).
		 * @param resourcePath the value
		 * @return this builder
		 */
		public Builder resourcePath(@Nullable String resourcePath) {
			this.resourcePath = resourcePath;
			return this;
		}

		/**
		 * Set the cloud account ({@code x-dd-proxy-account-id}).
		 * @param accountId the value
		 * @return this builder
		 */
		public Builder accountId(@Nullable String accountId) {
			this.accountId = accountId;
			return this;
		}

		/**
		 * Set the API id ({@code x-dd-proxy-api-id}).
		 * @param apiId the value
		 * @return this builder
		 */
		public Builder apiId(@Nullable String apiId) {
			this.apiId = apiId;
			return this;
		}

		/**
		 * Set the region ({@code x-dd-proxy-region}).
		 * @param region the value
		 * @return this builder
		 */
		public Builder region(@Nullable String region) {
			this.region = region;
			return this;
		}

		/**
		 * Set the caller identity ({@code x-dd-proxy-user}), only when recording it is
		 * enabled.
		 * @param user the value
		 * @return this builder
		 */
		public Builder user(@Nullable String user) {
			this.user = user;
			return this;
		}

		/**
		 * Set the client's {@code User-Agent}.
		 * @param userAgent the value
		 * @return this builder
		 */
		public Builder userAgent(@Nullable String userAgent) {
			this.userAgent = userAgent;
			return this;
		}

		/**
		 * Set the gateway's id of the request ({@code x-dd-proxy-request-id}), which its
		 * access log also writes: at most
		 * {@value GatewayHeaderParser#MAX_REQUEST_ID_LENGTH} visible ASCII characters.
		 * @param requestId the value
		 * @return this builder
		 */
		public Builder requestId(@Nullable String requestId) {
			this.requestId = requestId;
			return this;
		}

		/**
		 * Set the X-Ray trace id, the {@code Root} of the request's
		 * {@code X-Amzn-Trace-Id} header, in the X-Ray format
		 * ({@code 1-5759e988-bd862e3fe1be46a994272793}).
		 * @param xrayTraceId the value
		 * @return this builder
		 */
		public Builder xrayTraceId(@Nullable String xrayTraceId) {
			this.xrayTraceId = xrayTraceId;
			return this;
		}

		/**
		 * Set whether the gateway's time was known to the second only (an HTTP API's
		 * {@code
		 * requestTimeEpoch}): the span may start up to 999 ms early and the transit is
		 * not measured.
		 * @param secondPrecision the value
		 * @return this builder
		 */
		public Builder secondPrecision(boolean secondPrecision) {
			this.secondPrecision = secondPrecision;
			return this;
		}

		/**
		 * Build the request.
		 * @return the request
		 */
		public GatewayRequest build() {
			return new GatewayRequest(this.system, this.startEpochMillis, this.receivedEpochMillis,
					this.clockSkewMillis, this.domain, this.method, this.path, this.stage, this.resourcePath,
					this.accountId, this.apiId, this.region, this.user, this.userAgent, this.requestId,
					this.xrayTraceId, this.secondPrecision);
		}

	}

}
