package io.github.inferredproxy.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.inferredproxy.docs.cdk.RestApiStack;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every gateway recipe of {@code docs/gateway-setup.md} maps the headers as the page's
 * table says: the CloudFormation templates that the CDK apps synthesize, the OpenAPI and
 * CloudFormation files, the Terraform files (as HashiCorp's parser reads them) and the
 * API Management policy.
 */
class GatewayMappingTests {

	private static final Path DOCS = Docs.ROOT.resolve("docs");

	/**
	 * The region the recipes' examples resolve {@code AWS::Region} and
	 * {@code var.aws_region} to.
	 */
	private static final String REGION = "eu-west-3";

	/** Personal data, off by default: the recipes leave it out. */
	private static final String USER_HEADER = "x-dd-proxy-user";

	private static final ObjectMapper JSON = new ObjectMapper();

	@Test
	void theTableListsTheHeaders() {
		assertThat(table("REST API (v1)")).containsEntry("x-dd-proxy", "'aws-apigateway'")
			.containsEntry("x-dd-proxy-request-time-ms", "context.requestTimeEpoch")
			.hasSize(12);
		assertThat(table("HTTP API (v2)")).containsEntry("x-dd-proxy-request-time-ms", "${context.requestTimeEpoch}000")
			.hasSize(11);
		assertThat(table("Azure API Management")).containsEntry("x-dd-proxy", "azure-apim").hasSize(9);
	}

	@Test
	void restApiCdkTypeScript() throws Exception {
		NodeProject.build();
		Map<String, Object> template = json(NodeProject.CDK_OUT.resolve("GatewaySetupRestApi.template.json"));
		assertRestApiIntegrations(template, "CDK (TypeScript)");
	}

	@Test
	void restApiCdkJava() {
		String unavailable = NodeProject.unavailable();
		Assumptions.assumeTrue(unavailable == null, () -> "CDK (Java) synthesis needs node: " + unavailable);
		App app = new App();
		RestApiStack stack = new RestApiStack(app, "GatewaySetupRestApiJava", "https://orders.internal.example.com");
		assertRestApiIntegrations(Template.fromStack(stack).toJSON(), "CDK (Java)");
	}

	@Test
	void restApiOpenApi() throws Exception {
		Map<String, Object> openApi = yaml(DOCS.resolve("openapi/rest-api.yaml"));
		assertThat(openApi).containsKey("openapi");
		Map<String, Object> integration = map(
				path(openApi, "paths", "/orders/{id}", "get", "x-amazon-apigateway-integration"));
		assertThat(integration).containsEntry("type", "http_proxy");
		assertRestApi(map(integration.get("requestParameters")), "OpenAPI");
	}

	@Test
	void restApiTerraform() throws Exception {
		assertRestApi(terraformProxyMapping("rest-api.tf", "aws_api_gateway_integration", "get_order", "type"),
				"Terraform");
	}

	@Test
	void httpApiCdkTypeScript() throws Exception {
		NodeProject.build();
		assertHttpApiIntegration(json(NodeProject.CDK_OUT.resolve("GatewaySetupHttpApi.template.json")),
				"CDK (TypeScript)");
	}

	@Test
	void httpApiCloudFormation() throws Exception {
		assertHttpApiIntegration(yaml(DOCS.resolve("cloudformation/http-api.yaml")), "CloudFormation");
	}

	@Test
	void httpApiTerraform() throws Exception {
		assertHttpApi(
				terraformProxyMapping("http-api.tf", "aws_apigatewayv2_integration", "orders", "integration_type"),
				"Terraform");
	}

	@Test
	void azureApiManagement() throws Exception {
		Element policies = DocSnippetsTests.Xml.parse(DOCS.resolve("azure/apim-policy.xml")).getDocumentElement();
		Element inbound = DocSnippetsTests.Xml.elements(policies, "inbound").get(0);
		Map<String, String> headers = new TreeMap<>();
		for (Element setHeader : DocSnippetsTests.Xml.elements(inbound, "set-header")) {
			String name = setHeader.getAttribute("name");
			assertThat(setHeader.getAttribute("exists-action")).as("exists-action of %s", name).isEqualTo("override");
			headers.put(name, DocSnippetsTests.Xml.child(setHeader, "value"));
		}
		Map<String, String> expected = table("Azure API Management");
		assertThat(headers.keySet()).as("headers API Management sets").isEqualTo(expected.keySet());
		expected.forEach((header, documented) -> {
			String value = headers.get(header);
			if (documented.startsWith("context.")) {
				assertThat(value).as(header).startsWith("@(").contains(documented);
			}
			else if (documented.isEmpty()) {
				assertThat(value).as("%s, a static value", header).isNotBlank().doesNotContain("@(");
			}
			else {
				assertThat(value).as(header).isEqualTo(documented);
			}
		});
		assertThat(headers.get("x-dd-proxy-request-time-ms")).contains("ToUnixTimeMilliseconds()");
	}

	private static void assertRestApiIntegrations(Map<String, Object> template, String recipe) {
		List<Map<String, Object>> proxies = resources(template, "AWS::ApiGateway::Method").stream()
			.map((method) -> map(method.get("Integration")))
			.filter((integration) -> "HTTP_PROXY".equals(integration.get("Type")))
			.toList();
		assertThat(proxies).as("HTTP proxy integrations of %s", recipe).isNotEmpty();
		for (Map<String, Object> integration : proxies) {
			assertRestApi(cloudFormation(map(integration.get("RequestParameters"))), recipe);
		}
	}

	private static void assertHttpApiIntegration(Map<String, Object> template, String recipe) {
		List<Map<String, Object>> integrations = resources(template, "AWS::ApiGatewayV2::Integration");
		assertThat(integrations).as("integrations of %s", recipe).hasSize(1);
		assertThat(integrations.get(0)).containsEntry("IntegrationType", "HTTP_PROXY");
		assertHttpApi(cloudFormation(map(integrations.get(0).get("RequestParameters"))), recipe);
	}

	private static void assertRestApi(Map<String, Object> requestParameters, String recipe) {
		assertMapping(requestParameters, "integration.request.header.", table("REST API (v1)"), recipe + ", REST API");
	}

	private static void assertHttpApi(Map<String, Object> requestParameters, String recipe) {
		assertThat(requestParameters.keySet()).as("%s: overwrite, never append", recipe)
			.allMatch((key) -> key.startsWith("overwrite:header."));
		assertMapping(requestParameters, "overwrite:header.", table("HTTP API (v2)"), recipe + ", HTTP API");
	}

	private static void assertMapping(Map<String, Object> requestParameters, String prefix, Map<String, String> table,
			String recipe) {
		Map<String, Object> mapped = new TreeMap<>();
		requestParameters.forEach((key, value) -> {
			if (key.startsWith(prefix + "x-dd-proxy")) {
				mapped.put(key.substring(prefix.length()), value);
			}
		});
		Map<String, String> expected = new TreeMap<>(table);
		expected.remove(USER_HEADER);
		assertThat(mapped).as("%s maps the headers of the table", recipe).isEqualTo(expected);
	}

	/**
	 * One column of the page's header table: each header with the code of its cell (the
	 * first {@code `...`} span; empty for a cell of words only, such as "a static name");
	 * headers whose cell is empty are left out.
	 */
	static Map<String, String> table(String column) {
		List<String> lines = Docs.read(DOCS.resolve("gateway-setup.md")).lines().toList();
		int header = -1;
		for (int i = 0; i < lines.size() && header < 0; i++) {
			if (lines.get(i).startsWith("| header | REST API (v1) |")) {
				header = i;
			}
		}
		assertThat(header).as("the header table of docs/gateway-setup.md").isNotNegative();
		List<String> columns = cells(lines.get(header));
		int index = columns.indexOf(column);
		assertThat(index).as("column %s", column).isPositive();
		Map<String, String> values = new LinkedHashMap<>();
		Pattern code = Pattern.compile("`([^`]+)`");
		for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
			List<String> cells = cells(lines.get(i));
			Matcher name = code.matcher(cells.get(0));
			assertThat(name.find()).as("header of %s", lines.get(i)).isTrue();
			String cell = cells.get(index);
			if (!cell.isEmpty()) {
				Matcher value = code.matcher(cell);
				values.put(name.group(1), value.find() ? value.group(1) : "");
			}
		}
		return values;
	}

	private static List<String> cells(String row) {
		List<String> cells = new ArrayList<>();
		for (String cell : row.substring(1, row.lastIndexOf('|')).split("\\|", -1)) {
			cells.add(cell.strip());
		}
		return cells;
	}

	/**
	 * CloudFormation values as deployed in {@link #REGION}: {@code Ref},
	 * {@code Fn::Join}, {@code Fn::Sub}.
	 */
	private static Map<String, Object> cloudFormation(Map<String, Object> values) {
		Map<String, Object> resolved = new TreeMap<>();
		values.forEach((key, value) -> resolved.put(key, resolve(value)));
		return resolved;
	}

	private static String resolve(Object value) {
		if (value instanceof String text) {
			return text;
		}
		Map<String, Object> function = map(value);
		assertThat(function).as("an intrinsic function").hasSize(1);
		Object argument = function.values().iterator().next();
		switch (function.keySet().iterator().next()) {
			case "Ref":
				assertThat(argument).as("the only reference in a mapping").isEqualTo("AWS::Region");
				return REGION;
			case "Fn::Join":
				return join((List<?>) argument);
			case "Fn::Sub":
				return ((String) argument).replace("${AWS::Region}", REGION).replace("${!", "${");
			default:
				throw new AssertionError("unexpected intrinsic function " + function);
		}
	}

	private static String join(List<?> join) {
		List<String> parts = new ArrayList<>();
		for (Object part : (List<?>) join.get(1)) {
			parts.add(resolve(part));
		}
		return String.join((String) join.get(0), parts);
	}

	/**
	 * Terraform strings as evaluated: a variable reference interpolated, a doubled dollar
	 * sign before a brace a literal one.
	 */
	private static Map<String, Object> terraform(Map<String, Object> values) throws Exception {
		Map<String, Object> variables = map(
				json(NodeProject.TERRAFORM_JSON.resolve("variables.tf.json")).get("variable"));
		Map<String, Object> evaluated = new TreeMap<>();
		Pattern variable = Pattern.compile("(?<!\\$)\\$\\{var\\.(\\w+)\\}");
		values.forEach((key, value) -> {
			Matcher reference = variable.matcher((String) value);
			StringBuilder text = new StringBuilder();
			while (reference.find()) {
				Object defaultValue = map(((List<?>) variables.get(reference.group(1))).get(0)).get("default");
				reference.appendReplacement(text, Matcher.quoteReplacement((String) defaultValue));
			}
			reference.appendTail(text);
			assertThat(text.toString()).as("%s: an interpolation Terraform cannot evaluate (escape ${ as $${)", key)
				.doesNotContainPattern("(?<!\\$)\\$\\{");
			evaluated.put(key, text.toString().replace("$${", "${"));
		});
		return evaluated;
	}

	/**
	 * The evaluated {@code request_parameters} of an HTTP proxy integration of a
	 * Terraform file.
	 */
	private static Map<String, Object> terraformProxyMapping(String file, String type, String name,
			String typeAttribute) throws Exception {
		NodeProject.build();
		Map<String, Object> resources = map(json(NodeProject.TERRAFORM_JSON.resolve(file + ".json")).get("resource"));
		List<?> blocks = (List<?>) map(resources.get(type)).get(name);
		assertThat(blocks).as("%s.%s in %s", type, name, file).hasSize(1);
		Map<String, Object> integration = map(blocks.get(0));
		assertThat(integration).containsEntry(typeAttribute, "HTTP_PROXY");
		return terraform(map(integration.get("request_parameters")));
	}

	private static List<Map<String, Object>> resources(Map<String, Object> template, String type) {
		return map(template.get("Resources")).values()
			.stream()
			.map(GatewayMappingTests::map)
			.filter((resource) -> type.equals(resource.get("Type")))
			.map((resource) -> map(resource.get("Properties")))
			.toList();
	}

	private static Object path(Map<String, Object> map, String... keys) {
		Object value = map;
		for (String key : keys) {
			assertThat(map(value)).as("key %s", key).containsKey(key);
			value = map(value).get(key);
		}
		return value;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> json(Path file) throws Exception {
		return JSON.readValue(file.toFile(), Map.class);
	}

	private static Map<String, Object> yaml(Path file) throws Exception {
		return new Yaml(new CloudFormationConstructor()).load(Files.readString(file));
	}

	/**
	 * SnakeYAML's safe constructor, with CloudFormation's short forms ({@code !Ref},
	 * {@code !Sub}, ...).
	 */
	static final class CloudFormationConstructor extends SafeConstructor {

		CloudFormationConstructor() {
			super(new LoaderOptions());
			this.yamlConstructors.put(null, new AbstractConstruct() {

				@Override
				public Object construct(Node node) {
					String tag = node.getTag().getValue();
					assertThat(tag).as("a CloudFormation tag").startsWith("!");
					String name = tag.substring(1);
					Object value;
					if (node instanceof ScalarNode scalar) {
						value = constructScalar(scalar);
					}
					else if (node instanceof SequenceNode sequence) {
						value = constructSequence(sequence);
					}
					else {
						value = constructMapping((MappingNode) node);
					}
					return Map.of(name.equals("Ref") ? "Ref" : "Fn::" + name, value);
				}

			});
		}

	}

}
