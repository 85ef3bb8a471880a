package io.github.inferredproxy.docs.cdk;

// tag::rest-api[]
import java.util.HashMap;
import java.util.Map;

import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigateway.HttpIntegration;
import software.amazon.awscdk.services.apigateway.IntegrationOptions;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.ProxyResourceOptions;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.constructs.Construct;
// end::rest-api[]

/**
 * The REST API (v1) recipe of {@code docs/gateway-setup.md} in the AWS CDK for Java: an
 * HTTP proxy integration on a {@code {proxy+}} resource that maps the gateway headers. An
 * environment-agnostic stack, synthesized by the docs module's tests.
 *
 * @author Inferred Proxy contributors
 */
public class RestApiStack extends Stack {

	public RestApiStack(Construct scope, String id, String backendUrl) {
		super(scope, id);
		// tag::rest-api[]
		Map<String, String> requestParameters = new HashMap<>();
		requestParameters.put("integration.request.path.proxy", "method.request.path.proxy");
		requestParameters.put("integration.request.header.x-dd-proxy", "'aws-apigateway'");
		requestParameters.put("integration.request.header.x-dd-proxy-request-time-ms", "context.requestTimeEpoch");
		requestParameters.put("integration.request.header.x-dd-proxy-domain-name", "context.domainName");
		requestParameters.put("integration.request.header.x-dd-proxy-httpmethod", "context.httpMethod");
		requestParameters.put("integration.request.header.x-dd-proxy-path", "context.path");
		requestParameters.put("integration.request.header.x-dd-proxy-stage", "context.stage");
		requestParameters.put("integration.request.header.x-dd-proxy-resource-path", "context.resourcePath");
		requestParameters.put("integration.request.header.x-dd-proxy-account-id", "context.accountId");
		requestParameters.put("integration.request.header.x-dd-proxy-api-id", "context.apiId");
		requestParameters.put("integration.request.header.x-dd-proxy-region", "'" + Stack.of(this).getRegion() + "'");
		requestParameters.put("integration.request.header.x-dd-proxy-request-id", "context.requestId");

		RestApi api = RestApi.Builder.create(this, "OrdersApi").build();
		api.getRoot()
			.addProxy(ProxyResourceOptions.builder()
				.anyMethod(true)
				.defaultIntegration(HttpIntegration.Builder.create(backendUrl + "/{proxy}")
					.httpMethod("ANY")
					.proxy(true)
					.options(IntegrationOptions.builder().requestParameters(requestParameters).build())
					.build())
				.defaultMethodOptions(
						MethodOptions.builder().requestParameters(Map.of("method.request.path.proxy", true)).build())
				.build());
		// end::rest-api[]
	}

}
