package io.github.inferredproxy.observation;

import java.util.Locale;
import java.util.Set;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.HighCardinalityKeyNames;
import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * Default {@link InferredProxyObservationConvention}: observation
 * {@value #DEFAULT_NAME}, span named after the gateway ({@code aws.apigateway}, ...),
 * with Datadog's and OpenTelemetry's attributes. Override a method to change one key.
 *
 * @author Inferred Proxy contributors
 */
public class DefaultInferredProxyObservationConvention implements InferredProxyObservationConvention {

	/**
	 * The observation name: the key of {@code management.observations.enable.*}.
	 */
	public static final String DEFAULT_NAME = "inferred.proxy.requests";

	private static final String UNKNOWN = "UNKNOWN";

	private static final Set<String> STANDARD_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE",
			"OPTIONS", "TRACE", "CONNECT");

	private static final String[] OUTCOMES = { "INFORMATIONAL", "SUCCESS", "REDIRECTION", "CLIENT_ERROR",
			"SERVER_ERROR" };

	private final AttributeVocabulary vocabulary;

	/**
	 * Create a convention that emits both attribute vocabularies.
	 */
	public DefaultInferredProxyObservationConvention() {
		this(AttributeVocabulary.BOTH);
	}

	/**
	 * Create a convention.
	 * @param vocabulary which attribute keys to emit on the span
	 */
	public DefaultInferredProxyObservationConvention(AttributeVocabulary vocabulary) {
		this.vocabulary = vocabulary;
	}

	@Override
	public String getName() {
		return DEFAULT_NAME;
	}

	@Override
	public String getContextualName(InferredProxyContext context) {
		return context.getGatewayRequest().system().spanName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(InferredProxyContext context) {
		return KeyValues.of(system(context), stage(context), method(context), route(context), status(context),
				outcome(context));
	}

	protected KeyValue system(InferredProxyContext context) {
		return LowCardinalityKeyNames.SYSTEM.withValue(context.getGatewayRequest().system().value());
	}

	protected KeyValue stage(InferredProxyContext context) {
		return LowCardinalityKeyNames.STAGE.withValue(orUnknown(context.getGatewayRequest().stage()));
	}

	protected KeyValue method(InferredProxyContext context) {
		String method = context.getGatewayRequest().method();
		if (method == null) {
			return LowCardinalityKeyNames.METHOD.withValue(UNKNOWN);
		}
		String upperCase = method.toUpperCase(Locale.ROOT);
		// A forged header must not create a new time series per request.
		return LowCardinalityKeyNames.METHOD.withValue(STANDARD_METHODS.contains(upperCase) ? upperCase : UNKNOWN);
	}

	protected KeyValue route(InferredProxyContext context) {
		return LowCardinalityKeyNames.ROUTE.withValue(orUnknown(context.getGatewayRequest().resourcePath()));
	}

	protected KeyValue status(InferredProxyContext context) {
		Integer status = context.getStatusCode();
		return LowCardinalityKeyNames.STATUS.withValue((status != null) ? String.valueOf(status) : UNKNOWN);
	}

	protected KeyValue outcome(InferredProxyContext context) {
		Integer status = context.getStatusCode();
		if (context.isCancelled() || status == null || status < 100 || status > 599) {
			return LowCardinalityKeyNames.OUTCOME.withValue(UNKNOWN);
		}
		return LowCardinalityKeyNames.OUTCOME.withValue(OUTCOMES[status / 100 - 1]);
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(InferredProxyContext context) {
		KeyValues keyValues = KeyValues.empty();
		if (this.vocabulary.includesDatadog()) {
			keyValues = keyValues.and(datadogKeyValues(context));
		}
		if (this.vocabulary.includesOpenTelemetry()) {
			keyValues = keyValues.and(openTelemetryKeyValues(context));
		}
		long skew = context.getGatewayRequest().clockSkewMillis();
		if (skew > 0) {
			keyValues = keyValues.and(HighCardinalityKeyNames.CLOCK_SKEW.withValue(String.valueOf(skew)));
		}
		return keyValues;
	}

	/**
	 * Return Datadog's attributes, which name the gateway's service, operation, resource
	 * and type in Datadog's OTLP intake.
	 * @param context the context
	 * @return the key values
	 */
	protected KeyValues datadogKeyValues(InferredProxyContext context) {
		GatewayRequest request = context.getGatewayRequest();
		String spanName = request.system().spanName();
		String route = (request.resourcePath() != null) ? request.resourcePath() : request.path();
		String resource = (request.method() != null)
				? bounded(request.method() + ((route != null) ? " " + route : "")) : spanName;
		String url = (request.domain() != null && request.path() != null)
				? bounded("https://" + request.domain() + request.path()) : null;
		Integer status = context.getStatusCode();
		return KeyValues.of(HighCardinalityKeyNames.COMPONENT.withValue(request.system().value()),
				HighCardinalityKeyNames.SPAN_TYPE.withValue("web"),
				HighCardinalityKeyNames.OPERATION_NAME.withValue(spanName),
				HighCardinalityKeyNames.RESOURCE_NAME.withValue(resource),
				HighCardinalityKeyNames.INFERRED_SPAN.withValue("1"))
			.and(optional(HighCardinalityKeyNames.SERVICE_NAME, request.domain()))
			.and(optional(HighCardinalityKeyNames.HTTP_METHOD, request.method()))
			.and(optional(HighCardinalityKeyNames.HTTP_URL, url))
			.and(optional(HighCardinalityKeyNames.HTTP_ROUTE, request.resourcePath()))
			.and(optional(HighCardinalityKeyNames.STAGE, request.stage()))
			.and(optional(HighCardinalityKeyNames.HTTP_STATUS_CODE, (status != null) ? status.toString() : null))
			.and(optional(HighCardinalityKeyNames.ACCOUNT_ID, request.accountId()))
			.and(optional(HighCardinalityKeyNames.API_ID, request.apiId()))
			.and(optional(HighCardinalityKeyNames.REGION, request.region()))
			.and(optional(HighCardinalityKeyNames.RESOURCE_KEY, request.arn()))
			.and(optional(HighCardinalityKeyNames.AWS_USER, request.user()));
	}

	/**
	 * Return OpenTelemetry's semantic-convention attributes.
	 * @param context the context
	 * @return the key values
	 */
	protected KeyValues openTelemetryKeyValues(InferredProxyContext context) {
		GatewayRequest request = context.getGatewayRequest();
		Integer status = context.getStatusCode();
		return KeyValues.of(HighCardinalityKeyNames.CLOUD_PROVIDER.withValue(request.system().cloudProvider()))
			.and(optional(HighCardinalityKeyNames.SERVER_ADDRESS, request.domain()))
			.and(optional(HighCardinalityKeyNames.HTTP_REQUEST_METHOD, request.method()))
			.and(optional(HighCardinalityKeyNames.URL_SCHEME, (request.path() != null) ? "https" : null))
			.and(optional(HighCardinalityKeyNames.URL_PATH, request.path()))
			.and(optional(HighCardinalityKeyNames.HTTP_ROUTE, request.resourcePath()))
			.and(optional(HighCardinalityKeyNames.HTTP_RESPONSE_STATUS_CODE,
					(status != null) ? status.toString() : null))
			.and(optional(HighCardinalityKeyNames.CLOUD_ACCOUNT_ID, request.accountId()))
			.and(optional(HighCardinalityKeyNames.CLOUD_REGION, request.region()))
			.and(optional(HighCardinalityKeyNames.CLOUD_RESOURCE_ID, request.arn()))
			.and(optional(HighCardinalityKeyNames.ENDUSER_ID, request.user()));
	}

	private static KeyValues optional(HighCardinalityKeyNames key, @Nullable String value) {
		return (value != null) ? KeyValues.of(key.withValue(value)) : KeyValues.empty();
	}

	/**
	 * Cut a value composed of several header values: each part is already cut, but their
	 * concatenation is not.
	 */
	private static String bounded(String value) {
		return GatewayHeaderParser.truncate(value);
	}

	private static String orUnknown(@Nullable String value) {
		return (value != null) ? value : UNKNOWN;
	}

}
