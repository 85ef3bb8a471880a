package io.github.inferredproxy.observation;

/**
 * Which attribute keys the gateway span carries.
 *
 * @author Inferred Proxy contributors
 */
public enum AttributeVocabulary {

	/**
	 * Datadog's keys and OpenTelemetry's semantic conventions.
	 */
	BOTH,

	/**
	 * Datadog's keys only ({@code component}, {@code http.url}, {@code dd_resource_key},
	 * ...).
	 */
	DATADOG,

	/**
	 * OpenTelemetry's semantic conventions only ({@code server.address},
	 * {@code url.path}, {@code cloud.resource_id}, ...).
	 */
	OPENTELEMETRY;

	boolean includesDatadog() {
		return this != OPENTELEMETRY;
	}

	boolean includesOpenTelemetry() {
		return this != DATADOG;
	}

}
