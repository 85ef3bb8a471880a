package io.github.inferredproxy.observation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.GatewaySystem;
import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.HighCardinalityKeyNames;
import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * Default {@link InferredProxyObservationConvention}: observation {@value #DEFAULT_NAME},
 * span named after the gateway ({@code aws.apigateway}, ...), with Datadog's and
 * OpenTelemetry's attributes. Override a method to change one key.
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

	private final GatewayServiceName serviceName;

	/**
	 * Create a convention that emits both attribute vocabularies and names the gateway's
	 * service after its domain.
	 */
	public DefaultInferredProxyObservationConvention() {
		this(AttributeVocabulary.BOTH);
	}

	/**
	 * Create a convention that names the gateway's service after its domain.
	 * @param vocabulary which attribute keys to emit on the span
	 */
	public DefaultInferredProxyObservationConvention(AttributeVocabulary vocabulary) {
		this(vocabulary, GatewayServiceName.domain());
	}

	/**
	 * Create a convention.
	 * @param vocabulary which attribute keys to emit on the span
	 * @param serviceName which service the gateway span belongs to
	 */
	public DefaultInferredProxyObservationConvention(AttributeVocabulary vocabulary, GatewayServiceName serviceName) {
		this.vocabulary = vocabulary;
		this.serviceName = serviceName;
	}

	@Override
	public String getName() {
		return DEFAULT_NAME;
	}

	@Override
	public String getContextualName(InferredProxyContext context) {
		return context.getGatewayRequest().system().spanName();
	}

	/**
	 * Return the meter tags. Empty until the response is complete
	 * ({@link InferredProxyContext#isResponseComplete()}): Micrometer asks at start and
	 * at stop, and only the values at stop are used. An override should keep that gate.
	 * @param context the context
	 * @return the key values
	 */
	@Override
	public KeyValues getLowCardinalityKeyValues(InferredProxyContext context) {
		// Micrometer asks at start and at stop; only the values at stop are used, and
		// computing them twice was a fifth of the gateway span's cost.
		if (!context.isResponseComplete()) {
			return KeyValues.empty();
		}
		return KeyValues.of(system(context), stage(context), method(context), route(context), status(context),
				outcome(context));
	}

	/**
	 * Return the {@code system} meter tag: the gateway, e.g. {@code aws-apigateway}.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue system(InferredProxyContext context) {
		return LowCardinalityKeyNames.SYSTEM.withValue(context.getGatewayRequest().system().value());
	}

	/**
	 * Return the {@code stage} meter tag, {@code UNKNOWN} without a stage header.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue stage(InferredProxyContext context) {
		return LowCardinalityKeyNames.STAGE.withValue(orUnknown(context.getGatewayRequest().stage()));
	}

	/**
	 * Return the {@code method} meter tag: a standard HTTP method, else {@code UNKNOWN}.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue method(InferredProxyContext context) {
		String method = context.getGatewayRequest().method();
		if (method == null) {
			return LowCardinalityKeyNames.METHOD.withValue(UNKNOWN);
		}
		String upperCase = method.toUpperCase(Locale.ROOT);
		// A forged header must not create a new time series per request.
		return LowCardinalityKeyNames.METHOD.withValue(STANDARD_METHODS.contains(upperCase) ? upperCase : UNKNOWN);
	}

	/**
	 * Return the {@code route} meter tag: the route template
	 * ({@link InferredProxyContext#getRoute()}: the resource path header, else the route
	 * the application matched), else {@code UNKNOWN} (never the raw path).
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue route(InferredProxyContext context) {
		return LowCardinalityKeyNames.ROUTE.withValue(orUnknown(context.getRoute()));
	}

	/**
	 * Return the {@code status} meter tag: the final response status, else
	 * {@code UNKNOWN}.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue status(InferredProxyContext context) {
		Integer status = context.getStatusCode();
		return LowCardinalityKeyNames.STATUS.withValue((status != null) ? String.valueOf(status) : UNKNOWN);
	}

	/**
	 * Return the {@code outcome} meter tag: {@code SUCCESS}, {@code CLIENT_ERROR}, ...,
	 * {@code UNKNOWN} for a cancelled request or no status.
	 * @param context the context
	 * @return the key value
	 */
	protected KeyValue outcome(InferredProxyContext context) {
		Integer status = context.getStatusCode();
		if (context.isCancelled() || status == null || status < 100 || status > 599) {
			return LowCardinalityKeyNames.OUTCOME.withValue(UNKNOWN);
		}
		return LowCardinalityKeyNames.OUTCOME.withValue(OUTCOMES[status / 100 - 1]);
	}

	/**
	 * Return the span attributes of the configured vocabularies, the gateway's service,
	 * the clock skew when there was one, the precision of a gateway time known to the
	 * second only, and the X-Ray trace id when the request has one. Empty until the
	 * response is complete, as {@link #getLowCardinalityKeyValues}.
	 * @param context the context
	 * @return the key values
	 */
	@Override
	public KeyValues getHighCardinalityKeyValues(InferredProxyContext context) {
		if (!context.isResponseComplete()) {
			return KeyValues.empty();
		}
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
		if (context.getGatewayRequest().secondPrecision()) {
			keyValues = keyValues.and(HighCardinalityKeyNames.REQUEST_TIME_PRECISION.withValue("s"));
		}
		String xrayTraceId = context.getGatewayRequest().xrayTraceId();
		if (xrayTraceId != null) {
			keyValues = keyValues.and(HighCardinalityKeyNames.XRAY_TRACE_ID.withValue(xrayTraceId));
		}
		String service = this.serviceName.of(context.getGatewayRequest());
		if (service != null) {
			keyValues = keyValues.and(HighCardinalityKeyNames.SERVICE.withValue(service));
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
		String template = context.getRoute();
		// The route, never the raw path: a path per request would be a resource per
		// request.
		String resource = (request.method() != null)
				? GatewayHeaderParser.truncate(request.method() + ((template != null) ? " " + template : ""))
				: spanName;
		String url = (request.domain() != null && request.path() != null)
				? GatewayHeaderParser.truncate("https://" + request.domain() + request.path()) : null;
		Integer status = context.getStatusCode();
		// One list and one sort: chained KeyValues.and() calls copy and sort the whole
		// set
		// once per key. Added in key order, so that the sort has nothing to move.
		List<KeyValue> keyValues = new ArrayList<>(19);
		keyValues.add(HighCardinalityKeyNames.INFERRED_SPAN.withValue("1"));
		optional(keyValues, HighCardinalityKeyNames.ACCOUNT_ID, request.accountId());
		optional(keyValues, HighCardinalityKeyNames.API_ID, request.apiId());
		optional(keyValues, HighCardinalityKeyNames.AWS_USER, request.user());
		keyValues.add(HighCardinalityKeyNames.COMPONENT.withValue(request.system().value()));
		optional(keyValues, HighCardinalityKeyNames.RESOURCE_KEY, request.arn());
		optional(keyValues, HighCardinalityKeyNames.HTTP_METHOD, request.method());
		optional(keyValues, HighCardinalityKeyNames.HTTP_ROUTE, template);
		optional(keyValues, HighCardinalityKeyNames.HTTP_STATUS_CODE, (status != null) ? status.toString() : null);
		optional(keyValues, HighCardinalityKeyNames.HTTP_URL, url);
		optional(keyValues, HighCardinalityKeyNames.HTTP_USER_AGENT, request.userAgent());
		keyValues.add(HighCardinalityKeyNames.OPERATION_NAME.withValue(spanName));
		optional(keyValues, HighCardinalityKeyNames.REGION, request.region());
		optional(keyValues, HighCardinalityKeyNames.REQUEST_ID, request.requestId());
		keyValues.add(HighCardinalityKeyNames.RESOURCE_NAME.withValue(resource));
		optional(keyValues, HighCardinalityKeyNames.SERVICE_NAME, this.serviceName.of(request));
		keyValues.add(HighCardinalityKeyNames.SPAN_TYPE.withValue("web"));
		optional(keyValues, HighCardinalityKeyNames.STAGE, request.stage());
		return KeyValues.of(keyValues);
	}

	/**
	 * Return OpenTelemetry's semantic-convention attributes. The gateway's request id is
	 * {@code aws.request_id} for API Gateway and {@code az.service_request_id} for API
	 * Management, each cloud's key for the id of a request to its service.
	 * @param context the context
	 * @return the key values
	 */
	protected KeyValues openTelemetryKeyValues(InferredProxyContext context) {
		GatewayRequest request = context.getGatewayRequest();
		Integer status = context.getStatusCode();
		boolean azure = request.system() == GatewaySystem.AZURE_APIM;
		// In key order, as above.
		List<KeyValue> keyValues = new ArrayList<>(13);
		optional(keyValues,
				azure ? HighCardinalityKeyNames.AZ_SERVICE_REQUEST_ID : HighCardinalityKeyNames.AWS_REQUEST_ID,
				request.requestId());
		optional(keyValues, HighCardinalityKeyNames.CLOUD_ACCOUNT_ID, request.accountId());
		keyValues.add(HighCardinalityKeyNames.CLOUD_PROVIDER.withValue(request.system().cloudProvider()));
		optional(keyValues, HighCardinalityKeyNames.CLOUD_REGION, request.region());
		optional(keyValues, HighCardinalityKeyNames.CLOUD_RESOURCE_ID, request.arn());
		optional(keyValues, HighCardinalityKeyNames.ENDUSER_ID, request.user());
		optional(keyValues, HighCardinalityKeyNames.HTTP_REQUEST_METHOD, request.method());
		optional(keyValues, HighCardinalityKeyNames.HTTP_RESPONSE_STATUS_CODE,
				(status != null) ? status.toString() : null);
		optional(keyValues, HighCardinalityKeyNames.HTTP_ROUTE, context.getRoute());
		optional(keyValues, HighCardinalityKeyNames.SERVER_ADDRESS, request.domain());
		optional(keyValues, HighCardinalityKeyNames.URL_PATH, request.path());
		optional(keyValues, HighCardinalityKeyNames.URL_SCHEME, (request.path() != null) ? "https" : null);
		optional(keyValues, HighCardinalityKeyNames.USER_AGENT_ORIGINAL, request.userAgent());
		return KeyValues.of(keyValues);
	}

	private static void optional(List<KeyValue> keyValues, HighCardinalityKeyNames key, @Nullable String value) {
		if (value != null) {
			keyValues.add(key.withValue(value));
		}
	}

	private static String orUnknown(@Nullable String value) {
		return (value != null) ? value : UNKNOWN;
	}

}
