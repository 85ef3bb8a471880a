package io.github.inferredproxy.autoconfigure;

import java.time.Duration;

import io.github.inferredproxy.observation.AttributeVocabulary;

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
	 * 'dd.trace.inferred.proxy.services.enabled' (env DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED)
	 * decides. Read by the auto-configuration's condition, before binding.
	 */
	private boolean enabled = true;

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
	 * Maximum number of distinct values of each of the 'route' and 'stage' tags of the
	 * inferred.proxy meters. They come from request headers; once the maximum is reached,
	 * samples with further values are not recorded, so forged headers cannot create time
	 * series without bound.
	 */
	private int maxTagValues = 100;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
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

	public int getMaxTagValues() {
		return this.maxTagValues;
	}

	public void setMaxTagValues(int maxTagValues) {
		this.maxTagValues = maxTagValues;
	}

	public boolean isRecordUser() {
		return this.recordUser;
	}

	public void setRecordUser(boolean recordUser) {
		this.recordUser = recordUser;
	}

}
