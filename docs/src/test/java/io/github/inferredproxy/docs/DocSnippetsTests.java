package io.github.inferredproxy.docs;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The code the documents show is code the build compiles, synthesizes, runs or parses:
 * each snippet is the exact text of a region of such a file (its marker
 * {@code <!-- snippet: path#tag -->} names which), and each Maven dependency shown is one
 * the build uses, with the project's coordinates.
 */
class DocSnippetsTests {

	/** Languages whose code blocks must come from a file of the build. */
	private static final Set<String> CHECKED_LANGUAGES = Set.of("java", "ts", "yaml", "hcl", "xml", "properties");

	static Stream<Docs.CodeBlock> snippets() {
		return Docs.markdownFiles()
			.stream()
			.flatMap((file) -> Docs.codeBlocks(file).stream())
			.filter((block) -> block.source() != null);
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("snippets")
	void snippetShowsItsSourceAsItIs(Docs.CodeBlock snippet) {
		Path source = Docs.ROOT.resolve(snippet.source());
		assertThat(source).as("source of %s", snippet).isRegularFile();
		assertThat(snippet.text())
			.as("%s, from %s%s", snippet, snippet.source(),
					(snippet.tag() != null) ? " tag::" + snippet.tag() + "[]" : "")
			.isEqualTo(Docs.region(source, snippet.tag()));
	}

	@Test
	void theSnippetsAreFound() {
		assertThat(snippets()).extracting(Docs.CodeBlock::source)
			.contains("docs/cdk-ts/lib/rest-api-stack.ts", "docs/cdk-ts/lib/http-api-stack.ts",
					"docs/src/main/java/io/github/inferredproxy/docs/cdk/RestApiStack.java",
					"test/src/test/java/io/github/inferredproxy/test/examples/mvc/OrderControllerTests.java");
	}

	@Test
	void codeIsShownOnlyFromFilesOfTheBuild() {
		List<String> unchecked = new ArrayList<>();
		for (Path markdown : Docs.markdownFiles()) {
			for (Docs.CodeBlock block : Docs.codeBlocks(markdown)) {
				if (CHECKED_LANGUAGES.contains(block.language()) && block.source() == null
						&& !isMavenDependencies(block)) {
					unchecked.add(block + " (" + block.language() + ")");
				}
			}
		}
		assertThat(unchecked).as("code blocks without a snippet marker").isEmpty();
	}

	@Test
	void mavenDependenciesShownAreTheProjectsAndTheBuildsOwn() throws Exception {
		Document root = Xml.parse(Docs.ROOT.resolve("pom.xml"));
		String version = Xml.child(root.getDocumentElement(), "version");
		Set<String> published = new HashSet<>();
		Set<String> used = new HashSet<>();
		for (Element module : Xml.elements(root.getDocumentElement(), "module")) {
			Document pom = Xml.parse(Docs.ROOT.resolve(module.getTextContent()).resolve("pom.xml"));
			if (Xml.elements(pom.getDocumentElement(), "maven.deploy.skip")
				.stream()
				.anyMatch((skip) -> skip.getTextContent().strip().equals("false"))) {
				published.add(Xml.child(pom.getDocumentElement(), "artifactId"));
			}
			for (String kind : List.of("dependency", "exclusion")) {
				for (Element dependency : Xml.elements(pom.getDocumentElement(), kind)) {
					used.add(kind + " " + coordinates(dependency));
				}
			}
		}
		assertThat(published).containsExactlyInAnyOrder("inferred-proxy-spring-boot",
				"inferred-proxy-spring-boot-starter", "inferred-proxy-spring-boot-test");
		List<Docs.CodeBlock> blocks = Docs.markdownFiles()
			.stream()
			.flatMap((file) -> Docs.codeBlocks(file).stream())
			.filter(DocSnippetsTests::isMavenDependencies)
			.toList();
		assertThat(blocks).hasSizeGreaterThanOrEqualTo(4);
		for (Docs.CodeBlock block : blocks) {
			Element shown = Xml.parse("<dependencies>" + block.text() + "</dependencies>").getDocumentElement();
			for (Element dependency : Xml.elements(shown, "dependency")) {
				String groupId = Xml.child(dependency, "groupId");
				if (groupId.equals("io.github.inferredproxy")) {
					assertThat(Xml.child(dependency, "artifactId")).as("artifact in %s", block).isIn(published);
					assertThat(Xml.child(dependency, "version")).as("version in %s", block).isEqualTo(version);
				}
				else {
					assertThat(used).as("dependency %s in %s, used by a module", coordinates(dependency), block)
						.contains("dependency " + coordinates(dependency));
				}
			}
			for (Element exclusion : Xml.elements(shown, "exclusion")) {
				assertThat(used).as("exclusion %s in %s, made by a module", coordinates(exclusion), block)
					.contains("exclusion " + coordinates(exclusion));
			}
		}
	}

	private static boolean isMavenDependencies(Docs.CodeBlock block) {
		return block.language().equals("xml") && block.text().startsWith("<dependency>");
	}

	private static String coordinates(Element dependency) {
		return Xml.child(dependency, "groupId") + ":" + Xml.child(dependency, "artifactId");
	}

	/** Just enough DOM. */
	static final class Xml {

		static Document parse(Path file) throws Exception {
			return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
		}

		static Document parse(String xml) throws Exception {
			return DocumentBuilderFactory.newInstance()
				.newDocumentBuilder()
				.parse(new InputSource(new StringReader(xml)));
		}

		static List<Element> elements(Element parent, String name) {
			NodeList nodes = parent.getElementsByTagName(name);
			List<Element> elements = new ArrayList<>();
			for (int i = 0; i < nodes.getLength(); i++) {
				elements.add((Element) nodes.item(i));
			}
			return elements;
		}

		/** The text of a direct child element, {@code null} without one. */
		static String child(Element parent, String name) {
			for (org.w3c.dom.Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
				if (node instanceof Element element && element.getTagName().equals(name)) {
					return element.getTextContent().strip();
				}
			}
			return null;
		}

	}

}
