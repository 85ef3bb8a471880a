package io.github.inferredproxy.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * Documentation of the gateway observation: its low-cardinality keys become the tags of
 * the {@code inferred.proxy.*} meters, its high-cardinality keys the attributes of the
 * gateway span.
 *
 * @author Inferred Proxy contributors
 */
public enum InferredProxyObservationDocumentation implements ObservationDocumentation {

	/**
	 * One request, from the moment the gateway received it until its response was
	 * complete.
	 */
	GATEWAY_REQUEST {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultInferredProxyObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/**
	 * Tags of the meters, always present ({@code UNKNOWN} when unknown), so that every
	 * sample of a meter has the same key set.
	 */
	public enum LowCardinalityKeyNames implements KeyName {

		/**
		 * The gateway, for example {@code aws-apigateway}.
		 */
		SYSTEM("system"),

		/**
		 * The deployment stage.
		 */
		STAGE("stage"),

		/**
		 * The HTTP method the client sent, {@code UNKNOWN} when not a standard method.
		 */
		METHOD("method"),

		/**
		 * The gateway's route template, never the raw path.
		 */
		ROUTE("route"),

		/**
		 * The final response status.
		 */
		STATUS("status"),

		/**
		 * The class of the status: {@code SUCCESS}, {@code CLIENT_ERROR},
		 * {@code SERVER_ERROR}, ...
		 */
		OUTCOME("outcome");

		private final String key;

		LowCardinalityKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

	/**
	 * Attributes of the gateway span, each present only when its source is known.
	 * Datadog's keys and OpenTelemetry's semantic conventions are both emitted unless
	 * {@code inferred-proxy.attribute-vocabulary} restricts them.
	 */
	public enum HighCardinalityKeyNames implements KeyName {

		/**
		 * Datadog: the gateway, for example {@code aws-apigateway}.
		 */
		COMPONENT("component"),

		/**
		 * Datadog: the span type, {@code web}.
		 */
		SPAN_TYPE("span.type"),

		/**
		 * Datadog: the operation, the span name.
		 */
		OPERATION_NAME("operation.name"),

		/**
		 * Datadog: {@code <method> <route, else path>}.
		 */
		RESOURCE_NAME("resource.name"),

		/**
		 * Datadog: the service, the gateway's (as {@code inferred_proxy.service}); absent
		 * when the gateway span keeps the application's service.
		 */
		SERVICE_NAME("service.name"),

		/**
		 * Datadog: the HTTP method.
		 */
		HTTP_METHOD("http.method"),

		/**
		 * Datadog: {@code https://<domain><path>}.
		 */
		HTTP_URL("http.url"),

		/**
		 * Datadog: the client's {@code User-Agent}.
		 */
		HTTP_USER_AGENT("http.useragent"),

		/**
		 * Datadog and OpenTelemetry: the gateway's route template.
		 */
		HTTP_ROUTE("http.route"),

		/**
		 * Datadog: the deployment stage.
		 */
		STAGE("stage"),

		/**
		 * Datadog: the final response status.
		 */
		HTTP_STATUS_CODE("http.status_code"),

		/**
		 * Datadog: marks the span as inferred, {@code 1}.
		 */
		INFERRED_SPAN("_dd.inferred_span"),

		/**
		 * Datadog: the cloud account.
		 */
		ACCOUNT_ID("account_id"),

		/**
		 * Datadog: the API id.
		 */
		API_ID("apiid"),

		/**
		 * Datadog: the region.
		 */
		REGION("region"),

		/**
		 * Datadog: the ARN of the API.
		 */
		RESOURCE_KEY("dd_resource_key"),

		/**
		 * Datadog: the caller identity, only when {@code inferred-proxy.record-user} is
		 * set.
		 */
		AWS_USER("aws_user"),

		/**
		 * Datadog: the gateway's id of the request ({@code x-dd-proxy-request-id}), the
		 * tag of API Gateway's request id on Datadog's inferred spans.
		 */
		REQUEST_ID("request_id"),

		/**
		 * OpenTelemetry: the gateway's domain.
		 */
		SERVER_ADDRESS("server.address"),

		/**
		 * OpenTelemetry: the HTTP method.
		 */
		HTTP_REQUEST_METHOD("http.request.method"),

		/**
		 * OpenTelemetry: {@code https}.
		 */
		URL_SCHEME("url.scheme"),

		/**
		 * OpenTelemetry: the client's {@code User-Agent}.
		 */
		USER_AGENT_ORIGINAL("user_agent.original"),

		/**
		 * OpenTelemetry: the raw path the client sent.
		 */
		URL_PATH("url.path"),

		/**
		 * OpenTelemetry: the final response status.
		 */
		HTTP_RESPONSE_STATUS_CODE("http.response.status_code"),

		/**
		 * OpenTelemetry: the cloud account.
		 */
		CLOUD_ACCOUNT_ID("cloud.account.id"),

		/**
		 * OpenTelemetry: the region.
		 */
		CLOUD_REGION("cloud.region"),

		/**
		 * OpenTelemetry: the ARN of the API.
		 */
		CLOUD_RESOURCE_ID("cloud.resource_id"),

		/**
		 * OpenTelemetry: {@code aws} or {@code azure}.
		 */
		CLOUD_PROVIDER("cloud.provider"),

		/**
		 * OpenTelemetry: the caller identity, only when
		 * {@code inferred-proxy.record-user} is set.
		 */
		ENDUSER_ID("enduser.id"),

		/**
		 * OpenTelemetry: API Gateway's id of the request ({@code x-dd-proxy-request-id}),
		 * for {@code aws-apigateway} and {@code aws-httpapi}.
		 */
		AWS_REQUEST_ID("aws.request_id"),

		/**
		 * OpenTelemetry: API Management's id of the request
		 * ({@code x-dd-proxy-request-id}), for {@code azure-apim}.
		 */
		AZ_SERVICE_REQUEST_ID("az.service_request_id"),

		/**
		 * How far ahead of the application's clock the gateway's time was, when it was
		 * ahead within the tolerance and the span start was clamped.
		 */
		CLOCK_SKEW("inferred_proxy.clock_skew_ms"),

		/**
		 * {@code s} when the gateway's receive time was known to the second only (an HTTP
		 * API's {@code requestTimeEpoch}): the span may start up to 999 ms early.
		 */
		REQUEST_TIME_PRECISION("inferred_proxy.request_time_precision"),

		/**
		 * The X-Ray trace id: the {@code Root} of the request's {@code X-Amzn-Trace-Id}
		 * header, which API Gateway and Application Load Balancers add, so that the trace
		 * can be found from X-Ray or CloudWatch. OpenTelemetry's semantic conventions
		 * have no key for it.
		 */
		XRAY_TRACE_ID("inferred_proxy.xray_trace_id"),

		/**
		 * The service the gateway span belongs to ({@code inferred-proxy.service}: the
		 * domain by default, else the gateway's span name, or a fixed name), under which
		 * {@link GatewayServiceSpanFilter} exports it; absent when the span keeps the
		 * application's service.
		 */
		SERVICE("inferred_proxy.service");

		private final String key;

		HighCardinalityKeyNames(String key) {
			this.key = key;
		}

		@Override
		public String asString() {
			return this.key;
		}

	}

}
