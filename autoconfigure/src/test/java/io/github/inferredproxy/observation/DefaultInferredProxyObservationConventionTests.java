package io.github.inferredproxy.observation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.GatewaySystem;
import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.HighCardinalityKeyNames;
import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.entry;

/**
 * Tests for {@link DefaultInferredProxyObservationConvention}.
 */
class DefaultInferredProxyObservationConventionTests {

	private static final long NOW = 1_700_000_000_000L;

	private static final String REQUEST_ID = "c6af9ac6-7b61-11e6-9a41-93e8deadbeef";

	private static final String XRAY_TRACE_ID = "1-5759e988-bd862e3fe1be46a994272793";

	private final DefaultInferredProxyObservationConvention convention = new DefaultInferredProxyObservationConvention();

	@Test
	void nameIsTheRequestTimerAndContextualNameIsTheSpanName() {
		assertThat(this.convention.getName()).isEqualTo("inferred.proxy.requests");
		assertThat(this.convention.getContextualName(context(restApi()))).isEqualTo("aws.apigateway");
		assertThat(this.convention.getContextualName(context(httpApi()))).isEqualTo("aws.httpapi");
		assertThat(this.convention.getContextualName(context(azure()))).isEqualTo("azure.apim");
	}

	@Test
	void supportsOnlyGatewayContexts() {
		assertThat(this.convention.supportsContext(context(restApi()))).isTrue();
		assertThat(this.convention.supportsContext(new io.micrometer.observation.Observation.Context())).isFalse();
	}

	@Test
	void restApiHasEveryAttributeOfBothVocabularies() {
		InferredProxyContext context = context(restApi());
		context.setStatusCode(200);
		assertThat(high(this.convention, context)).containsOnly(entry("component", "aws-apigateway"),
				entry("span.type", "web"), entry("operation.name", "aws.apigateway"),
				entry("resource.name", "GET /users/{id}"),
				entry("service.name", "abc123.execute-api.eu-west-3.amazonaws.com"), entry("http.method", "GET"),
				entry("http.url", "https://abc123.execute-api.eu-west-3.amazonaws.com/prod/users/42"),
				entry("http.route", "/users/{id}"), entry("stage", "prod"), entry("http.status_code", "200"),
				entry("_dd.inferred_span", "1"), entry("account_id", "123456789012"), entry("apiid", "abc123"),
				entry("region", "eu-west-3"),
				entry("dd_resource_key", "arn:aws:apigateway:eu-west-3::/restapis/abc123"),
				entry("server.address", "abc123.execute-api.eu-west-3.amazonaws.com"),
				entry("http.request.method", "GET"), entry("url.scheme", "https"), entry("url.path", "/prod/users/42"),
				entry("http.response.status_code", "200"), entry("cloud.account.id", "123456789012"),
				entry("cloud.region", "eu-west-3"),
				entry("cloud.resource_id", "arn:aws:apigateway:eu-west-3::/restapis/abc123"),
				entry("cloud.provider", "aws"),
				entry("inferred_proxy.service", "abc123.execute-api.eu-west-3.amazonaws.com"));
	}

	@Test
	void httpApiHasItsOwnComponentSpanNameAndArn() {
		InferredProxyContext context = context(httpApi());
		context.setStatusCode(201);
		Map<String, String> high = high(this.convention, context);
		assertThat(high).contains(entry("component", "aws-httpapi"), entry("operation.name", "aws.httpapi"),
				entry("resource.name", "POST /orders"), entry("http.status_code", "201"),
				entry("http.response.status_code", "201"),
				entry("dd_resource_key", "arn:aws-cn:apigateway:cn-north-1::/apis/xyz789"),
				entry("cloud.resource_id", "arn:aws-cn:apigateway:cn-north-1::/apis/xyz789"),
				entry("cloud.provider", "aws"), entry("cloud.region", "cn-north-1"));
	}

	@Test
	void azureHasNoArnAndAzureProvider() {
		InferredProxyContext context = context(azure());
		context.setStatusCode(204);
		Map<String, String> high = high(this.convention, context);
		assertThat(high).contains(entry("component", "azure-apim"), entry("operation.name", "azure.apim"),
				entry("cloud.provider", "azure"), entry("service.name", "contoso.azure-api.net"),
				entry("http.url", "https://contoso.azure-api.net/echo/resource"), entry("resource.name", "DELETE"));
		assertThat(high).doesNotContainKeys("dd_resource_key", "cloud.resource_id");
	}

	@Test
	void onlyRequiredHeadersGiveOnlyTheAttributesThatDoNotDependOnOthers() {
		InferredProxyContext context = context(minimal(GatewaySystem.AWS_APIGATEWAY));
		assertThat(high(this.convention, context)).containsOnly(entry("component", "aws-apigateway"),
				entry("span.type", "web"), entry("operation.name", "aws.apigateway"),
				entry("resource.name", "aws.apigateway"), entry("_dd.inferred_span", "1"),
				entry("cloud.provider", "aws"), entry("service.name", "aws.apigateway"),
				entry("inferred_proxy.service", "aws.apigateway"));
	}

	@Test
	void noValueIsEverNullUndefinedOrEmpty() {
		for (GatewayRequest request : new GatewayRequest[] { restApi(), httpApi(), azure(),
				minimal(GatewaySystem.AWS_HTTPAPI), with(restApi(),
						(r) -> request(r.system(), null, r.method(), r.path(), null, null, null, null, null)) }) {
			InferredProxyContext context = context(request);
			for (KeyValue keyValue : this.convention.getHighCardinalityKeyValues(context)) {
				assertThat(keyValue.getValue()).as(keyValue.getKey())
					.isNotBlank()
					.doesNotContain("null")
					.doesNotContain("undefined")
					.doesNotContain("https:///");
			}
		}
	}

	@Test
	void composedValuesAreCutToTheMaximumLengthWithoutATrailingBlank() {
		String longest = "x".repeat(GatewayHeaderParser.MAX_VALUE_LENGTH);
		// A cut after "https://" + 2,040 characters of the domain lands in the blanks.
		String domain = "d".repeat(GatewayHeaderParser.MAX_VALUE_LENGTH - 8 - 2) + "  " + "e".repeat(6);
		InferredProxyContext context = context(request(GatewaySystem.AWS_APIGATEWAY, domain, longest,
				"/" + longest.substring(1), longest, longest, longest, longest, longest));
		context.setStatusCode(200);
		Map<String, String> high = high(this.convention, context);
		assertThat(high).allSatisfy((key, value) -> assertThat(value).as(key)
			.hasSizeLessThanOrEqualTo(GatewayHeaderParser.MAX_VALUE_LENGTH)
			.isEqualTo(value.strip()));
		assertThat(high.get("dd_resource_key")).hasSize(GatewayHeaderParser.MAX_VALUE_LENGTH)
			.startsWith("arn:aws:apigateway:xxx");
		assertThat(high.get("cloud.resource_id")).isEqualTo(high.get("dd_resource_key"));
		assertThat(high.get("resource.name")).hasSize(GatewayHeaderParser.MAX_VALUE_LENGTH);
		assertThat(high.get("http.url")).isEqualTo("https://" + domain.strip().substring(0, 2038));
	}

	@Test
	void secondPreciseTimeIsMarkedOnTheSpan() {
		GatewayRequest r = httpApi();
		InferredProxyContext precise = context(r);
		assertThat(high(this.convention, precise)).doesNotContainKey("inferred_proxy.request_time_precision");
		InferredProxyContext seconds = context(
				GatewayRequest.builder(r.system(), r.startEpochMillis(), r.receivedEpochMillis())
					.domain(r.domain())
					.method(r.method())
					.path(r.path())
					.stage(r.stage())
					.resourcePath(r.resourcePath())
					.accountId(r.accountId())
					.apiId(r.apiId())
					.region(r.region())
					.secondPrecision(true)
					.build());
		assertThat(high(this.convention, seconds)).containsEntry("inferred_proxy.request_time_precision", "s");
	}

	@Test
	void userAgentInBothVocabulariesOnlyWhenTheRequestHasOne() {
		GatewayRequest r = restApi();
		assertThat(high(this.convention, context(r))).doesNotContainKeys("http.useragent", "user_agent.original");
		InferredProxyContext withAgent = context(
				GatewayRequest.builder(r.system(), r.startEpochMillis(), r.receivedEpochMillis())
					.domain(r.domain())
					.method(r.method())
					.path(r.path())
					.stage(r.stage())
					.resourcePath(r.resourcePath())
					.accountId(r.accountId())
					.apiId(r.apiId())
					.region(r.region())
					.userAgent("curl/8.5.0")
					.build());
		assertThat(high(this.convention, withAgent)).containsEntry("http.useragent", "curl/8.5.0")
			.containsEntry("user_agent.original", "curl/8.5.0");
	}

	@Test
	void apiGatewayRequestIdIsRequestIdAndAwsRequestIdAndTheXrayRootIsOurs() {
		for (GatewayRequest request : new GatewayRequest[] { restApi(), httpApi() }) {
			InferredProxyContext context = context(correlated(request, REQUEST_ID, XRAY_TRACE_ID));
			assertThat(high(this.convention, context)).as(request.system().value())
				.containsEntry("request_id", REQUEST_ID)
				.containsEntry("aws.request_id", REQUEST_ID)
				.containsEntry("inferred_proxy.xray_trace_id", XRAY_TRACE_ID)
				.doesNotContainKey("az.service_request_id");
		}
	}

	@Test
	void apiManagementRequestIdIsAzServiceRequestId() {
		InferredProxyContext context = context(correlated(azure(), REQUEST_ID, null));
		assertThat(high(this.convention, context)).containsEntry("request_id", REQUEST_ID)
			.containsEntry("az.service_request_id", REQUEST_ID)
			.doesNotContainKeys("aws.request_id", "inferred_proxy.xray_trace_id");
	}

	@Test
	void requestIdInTheDatadogVocabularyOnlyAsRequestIdAndTheXrayRootInBoth() {
		DefaultInferredProxyObservationConvention datadog = new DefaultInferredProxyObservationConvention(
				AttributeVocabulary.DATADOG);
		DefaultInferredProxyObservationConvention otel = new DefaultInferredProxyObservationConvention(
				AttributeVocabulary.OPENTELEMETRY);
		InferredProxyContext aws = context(correlated(restApi(), REQUEST_ID, XRAY_TRACE_ID));
		InferredProxyContext azure = context(correlated(azure(), REQUEST_ID, XRAY_TRACE_ID));
		assertThat(high(datadog, aws)).containsEntry("request_id", REQUEST_ID)
			.containsEntry("inferred_proxy.xray_trace_id", XRAY_TRACE_ID)
			.doesNotContainKeys("aws.request_id", "az.service_request_id");
		assertThat(high(datadog, azure)).containsEntry("request_id", REQUEST_ID)
			.doesNotContainKeys("aws.request_id", "az.service_request_id");
		assertThat(high(otel, aws)).containsEntry("aws.request_id", REQUEST_ID)
			.containsEntry("inferred_proxy.xray_trace_id", XRAY_TRACE_ID)
			.doesNotContainKeys("request_id", "az.service_request_id");
		assertThat(high(otel, azure)).containsEntry("az.service_request_id", REQUEST_ID)
			.containsEntry("inferred_proxy.xray_trace_id", XRAY_TRACE_ID)
			.doesNotContainKeys("request_id", "aws.request_id");
	}

	@Test
	void noCorrelationAttributesWithoutTheirHeaders() {
		for (GatewayRequest request : new GatewayRequest[] { restApi(), httpApi(), azure() }) {
			assertThat(high(this.convention, context(request))).as(request.system().value())
				.doesNotContainKeys("request_id", "aws.request_id", "az.service_request_id",
						"inferred_proxy.xray_trace_id");
		}
		assertThat(high(this.convention, context(correlated(restApi(), null, XRAY_TRACE_ID))))
			.containsKey("inferred_proxy.xray_trace_id")
			.doesNotContainKeys("request_id", "aws.request_id");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "/{proxy+}", "/api/{path+}", "$default", "ANY /{proxy+}" })
	void greedyResourceTakesTheRouteTheApplicationMatched(String resourcePath) {
		InferredProxyContext context = context(with(restApi(), (r) -> request(r.system(), r.domain(), r.method(),
				r.path(), r.stage(), resourcePath, r.accountId(), r.apiId(), r.region())));
		context.setApplicationRoute("/users/{id}");
		context.setStatusCode(200);
		assertThat(high(this.convention, context)).containsEntry("http.route", "/users/{id}")
			.containsEntry("resource.name", "GET /users/{id}");
		assertThat(low(context)).containsEntry("route", "/users/{id}");
	}

	@Test
	void missingResourcePathTakesTheRouteTheApplicationMatched() {
		InferredProxyContext context = context(with(restApi(), (r) -> request(r.system(), r.domain(), r.method(),
				r.path(), r.stage(), null, r.accountId(), r.apiId(), r.region())));
		context.setApplicationRoute("/users/{id}");
		assertThat(low(context)).containsEntry("route", "/users/{id}");
	}

	@Test
	void aResourcePathThatNamesOneRouteWinsOverTheApplicationsRoute() {
		InferredProxyContext context = context(restApi());
		context.setApplicationRoute("/something/{else}");
		assertThat(high(this.convention, context)).containsEntry("http.route", "/users/{id}");
		assertThat(low(context)).containsEntry("route", "/users/{id}");
	}

	@Test
	void anHttpApiRouteKeyLosesItsMethod() {
		InferredProxyContext context = context(with(httpApi(), (r) -> request(r.system(), r.domain(), r.method(),
				r.path(), r.stage(), "GET /pets/{id}", r.accountId(), r.apiId(), r.region())));
		assertThat(high(this.convention, context)).containsEntry("http.route", "/pets/{id}");
		assertThat(low(context)).containsEntry("route", "/pets/{id}");
	}

	@Test
	void greedyResourceWithoutAnApplicationRouteIsUnknownNeverTheRawPath() {
		InferredProxyContext context = context(with(restApi(), (r) -> request(r.system(), r.domain(), r.method(),
				r.path(), r.stage(), "/{proxy+}", r.accountId(), r.apiId(), r.region())));
		assertThat(high(this.convention, context)).doesNotContainKey("http.route")
			.containsEntry("resource.name", "GET");
		assertThat(low(context)).containsEntry("route", "UNKNOWN");
	}

	@Test
	void noUrlWithoutDomain() {
		InferredProxyContext context = context(request(GatewaySystem.AWS_APIGATEWAY, null, "GET", "/prod/users/42",
				"prod", "/users/{id}", null, null, null));
		Map<String, String> high = high(this.convention, context);
		assertThat(high).doesNotContainKeys("http.url", "server.address");
		assertThat(high).contains(entry("url.path", "/prod/users/42"), entry("url.scheme", "https"));
		// The service is the gateway's span name then.
		assertThat(high).contains(entry("service.name", "aws.apigateway"),
				entry("inferred_proxy.service", "aws.apigateway"));
	}

	@Test
	void noUrlWithoutPath() {
		InferredProxyContext context = context(request(GatewaySystem.AWS_APIGATEWAY, "api.example.com", "GET", null,
				"prod", "/users/{id}", null, null, null));
		Map<String, String> high = high(this.convention, context);
		assertThat(high).doesNotContainKeys("http.url", "url.path", "url.scheme");
		assertThat(high).contains(entry("service.name", "api.example.com"), entry("server.address", "api.example.com"));
	}

	@Test
	void resourceNameIsNeverTheRawPathWhenThereIsNoRoute() {
		InferredProxyContext context = context(request(GatewaySystem.AWS_HTTPAPI, "api.example.com", "GET", "/users/42",
				"$default", null, null, null, null));
		Map<String, String> high = high(this.convention, context);
		assertThat(high).containsEntry("resource.name", "GET");
		assertThat(high).doesNotContainKey("http.route");
	}

	@Test
	void resourceNameIsTheSpanNameWhenThereIsNoMethod() {
		InferredProxyContext context = context(request(GatewaySystem.AWS_APIGATEWAY, "api.example.com", null,
				"/prod/users/42", "prod", "/users/{id}", null, null, null));
		Map<String, String> high = high(this.convention, context);
		assertThat(high).containsEntry("resource.name", "aws.apigateway");
		assertThat(high).doesNotContainKeys("http.method", "http.request.method");
	}

	@Test
	void resourceNameIsTheMethodAloneWhenThereIsNeitherResourcePathNorPath() {
		InferredProxyContext context = context(
				request(GatewaySystem.AWS_APIGATEWAY, "api.example.com", "GET", null, "prod", null, null, null, null));
		assertThat(high(this.convention, context)).containsEntry("resource.name", "GET");
	}

	@Test
	void noArnWithoutRegionOrApiId() {
		GatewayRequest withoutRegion = request(GatewaySystem.AWS_APIGATEWAY, "d", "GET", "/", "prod", "/", "1",
				"abc123", null);
		GatewayRequest withoutApiId = request(GatewaySystem.AWS_APIGATEWAY, "d", "GET", "/", "prod", "/", "1", null,
				"eu-west-3");
		assertThat(high(this.convention, context(withoutRegion)))
			.doesNotContainKeys("dd_resource_key", "cloud.resource_id", "region", "cloud.region")
			.containsEntry("apiid", "abc123");
		assertThat(high(this.convention, context(withoutApiId)))
			.doesNotContainKeys("dd_resource_key", "cloud.resource_id", "apiid")
			.containsEntry("region", "eu-west-3");
	}

	@Test
	void statusIsOmittedFromTheSpanWhileUnknown() {
		assertThat(high(this.convention, context(restApi()))).doesNotContainKeys("http.status_code",
				"http.response.status_code");
	}

	@Test
	void userAttributesOnlyWhenTheRequestHasAUser() {
		GatewayRequest withUser = with(restApi(),
				(r) -> GatewayRequest.builder(r.system(), r.startEpochMillis(), r.receivedEpochMillis())
					.domain(r.domain())
					.method(r.method())
					.path(r.path())
					.stage(r.stage())
					.resourcePath(r.resourcePath())
					.accountId(r.accountId())
					.apiId(r.apiId())
					.region(r.region())
					.user("arn:aws:iam::123456789012:user/alice")
					.build());
		assertThat(high(this.convention, context(withUser))).contains(
				entry("aws_user", "arn:aws:iam::123456789012:user/alice"),
				entry("enduser.id", "arn:aws:iam::123456789012:user/alice"));
		assertThat(high(this.convention, context(restApi()))).doesNotContainKeys("aws_user", "enduser.id");
	}

	@Test
	void datadogVocabularyHasNoOpenTelemetryKeys() {
		DefaultInferredProxyObservationConvention datadog = new DefaultInferredProxyObservationConvention(
				AttributeVocabulary.DATADOG);
		InferredProxyContext context = context(restApi());
		context.setStatusCode(200);
		Map<String, String> high = high(datadog, context);
		assertThat(high).containsKeys("component", "span.type", "operation.name", "resource.name", "service.name",
				"http.method", "http.url", "http.route", "stage", "http.status_code", "_dd.inferred_span", "account_id",
				"apiid", "region", "dd_resource_key");
		assertThat(high).doesNotContainKeys("server.address", "http.request.method", "url.scheme", "url.path",
				"http.response.status_code", "cloud.account.id", "cloud.region", "cloud.resource_id", "cloud.provider",
				"enduser.id");
	}

	@Test
	void openTelemetryVocabularyHasNoDatadogOnlyKeys() {
		DefaultInferredProxyObservationConvention otel = new DefaultInferredProxyObservationConvention(
				AttributeVocabulary.OPENTELEMETRY);
		InferredProxyContext context = context(restApi());
		context.setStatusCode(200);
		Map<String, String> high = high(otel, context);
		assertThat(high).containsOnlyKeys("server.address", "http.request.method", "url.scheme", "url.path",
				"http.route", "http.response.status_code", "cloud.account.id", "cloud.region", "cloud.resource_id",
				"cloud.provider", "inferred_proxy.service");
	}

	@Test
	void serviceIsTheDomainInEveryVocabularyByDefault() {
		for (AttributeVocabulary vocabulary : AttributeVocabulary.values()) {
			InferredProxyContext context = context(azure());
			assertThat(high(new DefaultInferredProxyObservationConvention(vocabulary), context)).as("%s", vocabulary)
				.containsEntry("inferred_proxy.service", "contoso.azure-api.net");
		}
	}

	@Test
	void serviceCanBeAFixedName() {
		DefaultInferredProxyObservationConvention fixed = new DefaultInferredProxyObservationConvention(
				AttributeVocabulary.BOTH, GatewayServiceName.fixed(" orders-gateway "));
		Map<String, String> high = high(fixed, context(restApi()));
		// Datadog's service too, so that Datadog shows the gateway under the same name.
		assertThat(high).containsEntry("inferred_proxy.service", "orders-gateway")
			.containsEntry("service.name", "orders-gateway")
			.containsEntry("server.address", "abc123.execute-api.eu-west-3.amazonaws.com");
	}

	@Test
	void applicationServiceLeavesTheGatewaySpanInTheApplicationsService() {
		DefaultInferredProxyObservationConvention application = new DefaultInferredProxyObservationConvention(
				AttributeVocabulary.BOTH, GatewayServiceName.application());
		Map<String, String> high = high(application, context(restApi()));
		assertThat(high).doesNotContainKeys("inferred_proxy.service", "service.name")
			.containsEntry("server.address", "abc123.execute-api.eu-west-3.amazonaws.com");
	}

	@Test
	void fixedServiceNameMustNotBeBlank() {
		assertThatIllegalArgumentException().isThrownBy(() -> GatewayServiceName.fixed(" "))
			.withMessageContaining("must not be blank");
	}

	@Test
	void everyEmittedKeyIsDocumentedAndEveryDocumentedKeyEmitted() {
		Set<String> emitted = new HashSet<>();
		for (GatewayRequest request : new GatewayRequest[] { everything(restApi()), everything(azure()) }) {
			InferredProxyContext context = context(request);
			context.setStatusCode(500);
			emitted.addAll(high(this.convention, context).keySet());
			assertThat(low(context).keySet())
				.containsExactlyInAnyOrderElementsOf(keys(LowCardinalityKeyNames.values()));
		}
		assertThat(emitted).containsExactlyInAnyOrderElementsOf(keys(HighCardinalityKeyNames.values()));
	}

	@Test
	void everyDocumentedKeyIsInTheReadmesTables() throws IOException {
		String readme = Files.readString(Path.of("..", "README.md"));
		String spans = tableRows(section(readme, "## What the gateway span carries"));
		for (String key : keys(HighCardinalityKeyNames.values())) {
			assertThat(spans).as("README's span attributes").contains("`" + key + "`");
		}
		String meters = section(readme, "## Metrics");
		for (String key : keys(LowCardinalityKeyNames.values())) {
			assertThat(meters).as("README's meter tags").contains("`" + key + "`");
		}
	}

	private static String tableRows(String markdown) {
		return markdown.lines().filter((line) -> line.startsWith("|")).collect(Collectors.joining("\n"));
	}

	private static String section(String markdown, String heading) {
		int start = markdown.indexOf("\n" + heading + "\n");
		assertThat(start).as(heading).isNotNegative();
		int end = markdown.indexOf("\n## ", start + heading.length());
		return markdown.substring(start, (end < 0) ? markdown.length() : end);
	}

	@Test
	void lowCardinalityKeysOfAFullRequest() {
		InferredProxyContext context = context(restApi());
		context.setStatusCode(404);
		assertThat(low(context)).containsOnly(entry("system", "aws-apigateway"), entry("stage", "prod"),
				entry("method", "GET"), entry("route", "/users/{id}"), entry("status", "404"),
				entry("outcome", "CLIENT_ERROR"));
	}

	@Test
	void lowCardinalityKeysAreAlwaysPresentWithUnknown() {
		InferredProxyContext context = context(minimal(GatewaySystem.AZURE_APIM));
		assertThat(low(context)).containsOnly(entry("system", "azure-apim"), entry("stage", "UNKNOWN"),
				entry("method", "UNKNOWN"), entry("route", "UNKNOWN"), entry("status", "UNKNOWN"),
				entry("outcome", "UNKNOWN"));
	}

	@Test
	void routeIsNeverTheRawPath() {
		InferredProxyContext context = context(request(GatewaySystem.AWS_HTTPAPI, "api.example.com", "GET", "/users/42",
				"$default", null, null, null, null));
		assertThat(low(context)).containsEntry("route", "UNKNOWN");
		assertThat(low(context).values()).doesNotContain("/users/42");
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT" })
	void standardMethodsAreTags(String method) {
		InferredProxyContext context = context(
				request(GatewaySystem.AWS_APIGATEWAY, null, method, null, null, null, null, null, null));
		assertThat(low(context)).containsEntry("method", method);
	}

	@Test
	void methodTagIsUpperCase() {
		InferredProxyContext context = context(
				request(GatewaySystem.AWS_APIGATEWAY, null, "get", null, null, null, null, null, null));
		assertThat(low(context)).containsEntry("method", "GET");
		assertThat(high(this.convention, context)).containsEntry("http.method", "get");
	}

	@ParameterizedTest
	@ValueSource(strings = { "PROPFIND", "FOO", "G3T", "ANY" })
	void nonStandardMethodIsUnknownInTagsButKeptOnTheSpan(String method) {
		InferredProxyContext context = context(
				request(GatewaySystem.AWS_APIGATEWAY, null, method, null, null, null, null, null, null));
		assertThat(low(context)).containsEntry("method", "UNKNOWN");
		assertThat(high(this.convention, context)).containsEntry("http.method", method)
			.containsEntry("http.request.method", method);
	}

	@ParameterizedTest
	@CsvSource({ "100, INFORMATIONAL", "101, INFORMATIONAL", "199, INFORMATIONAL", "200, SUCCESS", "204, SUCCESS",
			"299, SUCCESS", "301, REDIRECTION", "304, REDIRECTION", "400, CLIENT_ERROR", "404, CLIENT_ERROR",
			"499, CLIENT_ERROR", "500, SERVER_ERROR", "503, SERVER_ERROR", "599, SERVER_ERROR", "99, UNKNOWN",
			"0, UNKNOWN", "600, UNKNOWN", "-1, UNKNOWN" })
	void outcomeIsTheStatusClass(int status, String outcome) {
		InferredProxyContext context = context(restApi());
		context.setStatusCode(status);
		assertThat(low(context)).containsEntry("outcome", outcome).containsEntry("status", String.valueOf(status));
	}

	@Test
	void cancelledRequestHasUnknownOutcome() {
		InferredProxyContext context = context(restApi());
		context.setStatusCode(200);
		context.setCancelled(true);
		assertThat(low(context)).containsEntry("outcome", "UNKNOWN");
	}

	@Test
	void clockSkewAttributeOnlyWhenTheStartWasClamped() {
		assertThat(high(this.convention, context(restApi()))).doesNotContainKey("inferred_proxy.clock_skew_ms");
		GatewayRequest skewed = with(restApi(),
				(r) -> GatewayRequest.builder(r.system(), NOW, NOW)
					.clockSkewMillis(1234)
					.domain(r.domain())
					.method(r.method())
					.path(r.path())
					.stage(r.stage())
					.resourcePath(r.resourcePath())
					.accountId(r.accountId())
					.apiId(r.apiId())
					.region(r.region())
					.user(r.user())
					.build());
		assertThat(high(this.convention, context(skewed))).containsEntry("inferred_proxy.clock_skew_ms", "1234");
		DefaultInferredProxyObservationConvention otel = new DefaultInferredProxyObservationConvention(
				AttributeVocabulary.OPENTELEMETRY);
		assertThat(high(otel, context(skewed))).containsEntry("inferred_proxy.clock_skew_ms", "1234");
	}

	@Test
	void oneKeyCanBeChangedByOverridingItsMethod() {
		DefaultInferredProxyObservationConvention custom = new DefaultInferredProxyObservationConvention() {

			@Override
			protected KeyValue stage(InferredProxyContext context) {
				return LowCardinalityKeyNames.STAGE.withValue("all");
			}

		};
		InferredProxyContext context = context(restApi());
		assertThat(toMap(custom.getLowCardinalityKeyValues(context))).containsEntry("stage", "all")
			.containsEntry("route", "/users/{id}");
	}

	private Map<String, String> low(InferredProxyContext context) {
		return toMap(this.convention.getLowCardinalityKeyValues(context));
	}

	private static Map<String, String> high(DefaultInferredProxyObservationConvention convention,
			InferredProxyContext context) {
		return toMap(convention.getHighCardinalityKeyValues(context));
	}

	private static Map<String, String> toMap(KeyValues keyValues) {
		return StreamSupport.stream(keyValues.spliterator(), false)
			.collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
	}

	private static java.util.List<String> keys(KeyName[] names) {
		return java.util.Arrays.stream(names).map(KeyName::asString).toList();
	}

	/**
	 * A context whose response is complete: the convention's key values are read then.
	 */
	private static InferredProxyContext context(GatewayRequest request) {
		InferredProxyContext context = new InferredProxyContext(request, (name) -> null, System.nanoTime());
		context.markStopped();
		return context;
	}

	@Test
	void noKeyValuesBeforeTheResponseIsComplete() {
		InferredProxyContext context = new InferredProxyContext(restApi(), (name) -> null, System.nanoTime());
		assertThat(this.convention.getLowCardinalityKeyValues(context)).isEmpty();
		assertThat(this.convention.getHighCardinalityKeyValues(context)).isEmpty();
	}

	private static GatewayRequest with(GatewayRequest request, UnaryOperator<GatewayRequest> change) {
		return change.apply(request);
	}

	private static GatewayRequest restApi() {
		return request(GatewaySystem.AWS_APIGATEWAY, "abc123.execute-api.eu-west-3.amazonaws.com", "GET",
				"/prod/users/42", "prod", "/users/{id}", "123456789012", "abc123", "eu-west-3");
	}

	private static GatewayRequest httpApi() {
		return request(GatewaySystem.AWS_HTTPAPI, "xyz789.execute-api.cn-north-1.amazonaws.com.cn", "POST", "/orders",
				"$default", "/orders", "123456789012", "xyz789", "cn-north-1");
	}

	private static GatewayRequest azure() {
		return request(GatewaySystem.AZURE_APIM, "contoso.azure-api.net", "DELETE", "/echo/resource", null, null, null,
				null, "westeurope");
	}

	private static GatewayRequest correlated(GatewayRequest r, @Nullable String requestId,
			@Nullable String xrayTraceId) {
		return GatewayRequest.builder(r.system(), r.startEpochMillis(), r.receivedEpochMillis())
			.clockSkewMillis(r.clockSkewMillis())
			.domain(r.domain())
			.method(r.method())
			.path(r.path())
			.stage(r.stage())
			.resourcePath(r.resourcePath())
			.accountId(r.accountId())
			.apiId(r.apiId())
			.region(r.region())
			.user(r.user())
			.userAgent(r.userAgent())
			.requestId(requestId)
			.xrayTraceId(xrayTraceId)
			.secondPrecision(r.secondPrecision())
			.build();
	}

	/**
	 * A request with every optional value, a clamped and second-precise time: every
	 * attribute the convention can write for its gateway.
	 */
	private static GatewayRequest everything(GatewayRequest r) {
		return GatewayRequest.builder(r.system(), NOW, NOW)
			.clockSkewMillis(1234)
			.domain(r.domain())
			.method(r.method())
			.path(r.path())
			.stage(r.stage())
			.resourcePath(r.resourcePath())
			.accountId("123456789012")
			.apiId("abc123")
			.region(r.region())
			.user("arn:aws:iam::123456789012:user/alice")
			.userAgent("curl/8.5.0")
			.requestId(REQUEST_ID)
			.xrayTraceId(XRAY_TRACE_ID)
			.secondPrecision(true)
			.build();
	}

	private static GatewayRequest minimal(GatewaySystem system) {
		return request(system, null, null, null, null, null, null, null, null);
	}

	private static GatewayRequest request(GatewaySystem system, String domain, String method, String path, String stage,
			String resourcePath, String accountId, String apiId, String region) {
		return GatewayRequest.builder(system, NOW - 100, NOW)
			.domain(domain)
			.method(method)
			.path(path)
			.stage(stage)
			.resourcePath(resourcePath)
			.accountId(accountId)
			.apiId(apiId)
			.region(region)
			.build();
	}

}
