package io.github.inferredproxy.autoconfigure;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.github.inferredproxy.observation.AttributeVocabulary;
import org.junit.jupiter.api.Test;

import org.springframework.boot.json.JsonParserFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyProperties} and the configuration metadata generated from
 * it.
 */
class InferredProxyPropertiesTests {

	@Test
	void defaultsAreSafe() {
		InferredProxyProperties properties = new InferredProxyProperties();
		assertThat(properties.getEnabled()).isTrue();
		assertThat(properties.getMaxAge()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.getClockSkewTolerance()).isEqualTo(Duration.ofSeconds(5));
		assertThat(properties.getAttributeVocabulary()).isEqualTo(AttributeVocabulary.BOTH);
		assertThat(properties.isRecordUser()).isFalse();
		assertThat(properties.getTrust().getSharedSecret()).isNull();
		assertThat(properties.getTrust().getSharedSecretHeader()).isEqualTo("x-dd-proxy-secret");
		assertThat(properties.getTrust().getNetworks()).isEmpty();
		assertThat(properties.getService().getSource()).isEqualTo(InferredProxyProperties.Service.Source.DOMAIN);
		assertThat(properties.getService().getName()).isNull();
	}

	@Test
	@SuppressWarnings("unchecked")
	void everyPropertyIsInTheMetadataWithADescription() throws Exception {
		Map<String, Object> metadata = readMetadata();
		List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
		List<String> expected = Stream
			.of(propertyNames("inferred-proxy.", InferredProxyProperties.class),
					propertyNames("inferred-proxy.service.", InferredProxyProperties.Service.class),
					propertyNames("inferred-proxy.trust.", InferredProxyProperties.Trust.class))
			.flatMap((names) -> names)
			.toList();
		assertThat(expected).contains("inferred-proxy.enabled", "inferred-proxy.max-age",
				"inferred-proxy.clock-skew-tolerance", "inferred-proxy.attribute-vocabulary",
				"inferred-proxy.record-user", "inferred-proxy.service.source", "inferred-proxy.service.name",
				"inferred-proxy.trust.shared-secret", "inferred-proxy.trust.shared-secret-header",
				"inferred-proxy.trust.networks");
		// Plus Datadog's alias and a replaced property, in
		// additional-spring-configuration-metadata.json,
		// and the endpoint's, which Boot's processor writes for it.
		assertThat(properties).extracting((property) -> property.get("name"))
			.containsExactlyInAnyOrderElementsOf(Stream.concat(expected.stream(),
					Stream.of("dd.trace.inferred.proxy.services.enabled", "inferred-proxy.max-tag-values",
							"management.endpoint.inferredproxy.access",
							"management.endpoint.inferredproxy.cache.time-to-live"))
				.toList());
		assertThat(properties).allSatisfy((property) -> assertThat((String) property.get("description"))
			.as("description of %s", property.get("name"))
			.isNotBlank());
	}

	@Test
	@SuppressWarnings("unchecked")
	void metadataHasTheDefaults() throws Exception {
		List<Map<String, Object>> properties = (List<Map<String, Object>>) readMetadata().get("properties");
		Map<Object, Object> defaults = new java.util.HashMap<>();
		properties.forEach((property) -> defaults.put(property.get("name"), property.get("defaultValue")));
		assertThat(defaults).containsEntry("inferred-proxy.enabled", true)
			.containsEntry("inferred-proxy.max-age", "5m")
			.containsEntry("inferred-proxy.clock-skew-tolerance", "5s")
			.containsEntry("inferred-proxy.attribute-vocabulary", "both")
			.containsEntry("inferred-proxy.record-user", false)
			.containsEntry("inferred-proxy.trust.shared-secret-header", "x-dd-proxy-secret")
			.containsEntry("inferred-proxy.max-tag-sets", 1000)
			.containsEntry("inferred-proxy.service.source", "domain");
	}

	@Test
	@SuppressWarnings("unchecked")
	void replacedPropertyIsAnErrorThatNamesItsReplacement() throws Exception {
		List<Map<String, Object>> properties = (List<Map<String, Object>>) readMetadata().get("properties");
		assertThat(properties).filteredOn((property) -> "inferred-proxy.max-tag-values".equals(property.get("name")))
			.singleElement()
			.satisfies((property) -> assertThat((Map<String, Object>) property.get("deprecation"))
				.containsEntry("level", "error")
				.containsEntry("replacement", "inferred-proxy.max-tag-sets"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void nestedPropertiesHaveTheirGroup() throws Exception {
		List<Map<String, Object>> groups = (List<Map<String, Object>>) readMetadata().get("groups");
		assertThat(groups).extracting((group) -> group.get("name"))
			.contains("inferred-proxy.service", "inferred-proxy.trust");
	}

	/**
	 * The names of the bound properties of a properties class: those with a setter. A
	 * nested class (getter only) is listed with its own prefix.
	 */
	private static Stream<String> propertyNames(String prefix, Class<?> type) throws Exception {
		return Arrays.stream(Introspector.getBeanInfo(type, Object.class).getPropertyDescriptors())
			.filter((descriptor) -> descriptor.getWriteMethod() != null)
			.map(PropertyDescriptor::getName)
			.map((name) -> prefix + name.replaceAll("([A-Z])", "-$1").toLowerCase());
	}

	private static Map<String, Object> readMetadata() throws Exception {
		// The metadata of this module, not of a dependency: next to the compiled class.
		URL classes = InferredProxyProperties.class.getProtectionDomain().getCodeSource().getLocation();
		URL metadata = classes.toURI().resolve("META-INF/spring-configuration-metadata.json").toURL();
		try (InputStream in = metadata.openStream()) {
			return JsonParserFactory.getJsonParser().parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8));
		}
	}

}
