package io.github.inferredproxy.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.inferredproxy.observation.AttributeVocabulary;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of inferred gateway spans.
 *
 * @author Inferred Proxy contributors
 */
@ConfigurationProperties("inferred-proxy")
public class InferredProxyProperties {

	/**
	 * Whether to create inferred gateway spans. When not set, Datadog's
	 * 'dd.trace.inferred.proxy.services.enabled' (env
	 * DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED) decides. Read by the auto-configuration's
	 * condition, before binding.
	 */
	// Boxed, so that an empty value (which the condition treats as not set) binds too.
	private @Nullable Boolean enabled = true;

	/**
	 * Oldest gateway receive time accepted. An older 'x-dd-proxy-request-time-ms' (a
	 * replayed request, a time in seconds instead of milliseconds, a wrong clock) gets no
	 * gateway span.
	 */
	private Duration maxAge = Duration.ofMinutes(5);

	/**
	 * How far in the future a gateway receive time may be, to allow for clock skew
	 * between gateway and application. Such a time is clamped to the moment the
	 * application received the request; a time further ahead gets no gateway span.
	 */
	private Duration clockSkewTolerance = Duration.ofSeconds(5);

	/**
	 * Which attribute keys the gateway span carries: Datadog's, OpenTelemetry's semantic
	 * conventions, or both.
	 */
	private AttributeVocabulary attributeVocabulary = AttributeVocabulary.BOTH;

	/**
	 * Whether to record the caller identity of the 'x-dd-proxy-user' header, which is
	 * personal data, on the gateway span.
	 */
	private boolean recordUser;

	/**
	 * Maximum number of tag sets (time series) of each of the inferred.proxy.requests and
	 * inferred.proxy.transit timers. Route and stage come from request headers: once the
	 * maximum is reached, a sample with a new tag set is recorded with route and stage
	 * 'OTHER', so that forged headers cannot create time series without bound.
	 */
	private int maxTagSets = 1000;

	private final Service service = new Service();

	private final Trust trust = new Trust();

	public @Nullable Boolean getEnabled() {
		return this.enabled;
	}

	public void setEnabled(@Nullable Boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getMaxAge() {
		return this.maxAge;
	}

	public void setMaxAge(Duration maxAge) {
		this.maxAge = maxAge;
	}

	public Duration getClockSkewTolerance() {
		return this.clockSkewTolerance;
	}

	public void setClockSkewTolerance(Duration clockSkewTolerance) {
		this.clockSkewTolerance = clockSkewTolerance;
	}

	public AttributeVocabulary getAttributeVocabulary() {
		return this.attributeVocabulary;
	}

	public void setAttributeVocabulary(AttributeVocabulary attributeVocabulary) {
		this.attributeVocabulary = attributeVocabulary;
	}

	public int getMaxTagSets() {
		return this.maxTagSets;
	}

	public void setMaxTagSets(int maxTagSets) {
		this.maxTagSets = maxTagSets;
	}

	public boolean isRecordUser() {
		return this.recordUser;
	}

	public void setRecordUser(boolean recordUser) {
		this.recordUser = recordUser;
	}

	public Service getService() {
		return this.service;
	}

	public Trust getTrust() {
		return this.trust;
	}

	/**
	 * Which service the gateway span belongs to in the tracing backend (OpenTelemetry
	 * resource 'service.name', Zipkin and Brave local service name, Datadog
	 * 'service.name'), so that the gateway is a node of its own in the service map. Every
	 * other span keeps the application's service.
	 */
	public static class Service {

		/**
		 * Where the gateway span's service name comes from.
		 */
		private Source source = Source.DOMAIN;

		/**
		 * Service name of the gateway span when the source is 'fixed'.
		 */
		private @Nullable String name;

		public Source getSource() {
			return this.source;
		}

		public void setSource(Source source) {
			this.source = source;
		}

		public @Nullable String getName() {
			return this.name;
		}

		public void setName(@Nullable String name) {
			this.name = name;
		}

		/**
		 * Where the gateway span's service name comes from.
		 */
		public enum Source {

			/**
			 * The gateway's domain ('x-dd-proxy-domain-name'), else the gateway's span
			 * name, for example 'aws.apigateway'.
			 */
			DOMAIN,

			/**
			 * The application's service: the gateway span is exported like every other
			 * span.
			 */
			APPLICATION,

			/**
			 * The name set in 'inferred-proxy.service.name'.
			 */
			FIXED

		}

	}

	/**
	 * Which requests may carry gateway headers. The headers are plain request headers: a
	 * client that reaches the application directly can forge them. Without a shared
	 * secret and without networks, every request is trusted; with both, both must hold. A
	 * request that fails the policy gets no gateway span.
	 */
	public static class Trust {

		/**
		 * Value that the shared secret header must have for gateway headers to be
		 * honoured, set as a static value in the gateway mapping. Compared in constant
		 * time. When not set, the header is not checked.
		 */
		private @Nullable String sharedSecret;

		/**
		 * Name of the request header that carries the shared secret.
		 */
		private String sharedSecretHeader = "x-dd-proxy-secret";

		/**
		 * Networks that requests with gateway headers must come from, in CIDR notation
		 * ('10.0.0.0/8', '2001:db8::/32') or as single addresses, matched against the
		 * remote address of the request: behind a load balancer or proxy, that is its
		 * address. When empty, the remote address is not checked.
		 */
		private List<String> networks = new ArrayList<>();

		public @Nullable String getSharedSecret() {
			return this.sharedSecret;
		}

		public void setSharedSecret(@Nullable String sharedSecret) {
			this.sharedSecret = sharedSecret;
		}

		public String getSharedSecretHeader() {
			return this.sharedSecretHeader;
		}

		public void setSharedSecretHeader(String sharedSecretHeader) {
			this.sharedSecretHeader = sharedSecretHeader;
		}

		public List<String> getNetworks() {
			return this.networks;
		}

		public void setNetworks(List<String> networks) {
			this.networks = networks;
		}

	}

}
