package io.github.inferredproxy.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's compatibility table names only what the build runs: each row's modules and
 * test classes exist, on the Spring Boot version the row says, and the README's test
 * commands are the ones CI runs.
 */
class CompatibilityTableTests {

	private static final Path README = Docs.ROOT.resolve("README.md");

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");

	@Test
	void everyRowNamesTestsThatExistOnItsBootVersion() throws Exception {
		List<List<String>> rows = table();
		assertThat(rows).hasSizeGreaterThanOrEqualTo(8);
		for (List<String> row : rows) {
			List<Path> modules = new ArrayList<>();
			List<String> tests = new ArrayList<>();
			Matcher code = CODE.matcher(row.get(5));
			while (code.find()) {
				String name = code.group(1);
				if (Files.isRegularFile(Docs.ROOT.resolve(name).resolve("pom.xml"))) {
					modules.add(Docs.ROOT.resolve(name));
				}
				else if (!name.contains("*")) {
					tests.add(name);
				}
			}
			assertThat(modules).as("modules of row %s", row).isNotEmpty();
			for (String test : tests) {
				assertThat(modules).as("a module of row %s with %s", row, test)
					.anyMatch((module) -> !Docs
						.files((file) -> file.startsWith(module.resolve("src/test"))
								&& file.toString().endsWith("/" + test + ".java"))
						.isEmpty());
			}
			for (Path module : modules) {
				assertThat(bootVersion(module)).as("Spring Boot of %s in row %s", Docs.relative(module), row)
					.isEqualTo(row.get(0));
			}
		}
	}

	@Test
	void ciRunsTheReadmesTestCommands() {
		String ci = Docs.read(Docs.ROOT.resolve(".ci/run"));
		String build = Docs.read(README);
		build = build.substring(build.indexOf("## Build and test\n"));
		build = build.substring(0, build.indexOf("\n## ", 1));
		List<String> commands = new ArrayList<>();
		for (Docs.CodeBlock block : Docs.codeBlocks(README)) {
			if (build.contains("```\n" + block.text() + "\n```")) {
				commands.add(block.text());
			}
		}
		assertThat(commands).as("the README's test commands").hasSize(2);
		for (String command : commands) {
			String inCi = command.replace("./mvnw ", "./mvnw -B -ntp ")
				.replace("JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 ", "JAVA_HOME=\"$JDK25\" ");
			assertThat(ci).as(".ci/run runs %s", command).contains(inCi);
		}
		assertThat(ci).contains("JDK25=/usr/lib/jvm/temurin-25-jdk-amd64");
	}

	private static List<List<String>> table() {
		List<String> lines = Docs.read(README).lines().toList();
		int start = lines.indexOf("## Compatibility");
		assertThat(start).as("the README's Compatibility section").isNotNegative();
		List<List<String>> rows = new ArrayList<>();
		for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
			String line = lines.get(i);
			if (line.startsWith("| ") && !line.startsWith("| Spring Boot |")) {
				List<String> cells = new ArrayList<>();
				for (String cell : line.substring(1, line.lastIndexOf('|')).split("\\|")) {
					cells.add(cell.strip());
				}
				rows.add(cells);
			}
		}
		return rows;
	}

	/** The Spring Boot version a module builds on: its own parent's, else the root's. */
	private static String bootVersion(Path module) throws Exception {
		for (Path pom : List.of(module.resolve("pom.xml"), Docs.ROOT.resolve("pom.xml"))) {
			Element parent = DocSnippetsTests.Xml
				.elements(DocSnippetsTests.Xml.parse(pom).getDocumentElement(), "parent")
				.get(0);
			if ("org.springframework.boot".equals(DocSnippetsTests.Xml.child(parent, "groupId"))) {
				return DocSnippetsTests.Xml.child(parent, "version");
			}
		}
		throw new AssertionError("no Spring Boot parent for " + module);
	}

}
