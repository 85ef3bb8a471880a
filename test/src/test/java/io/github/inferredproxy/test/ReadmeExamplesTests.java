package io.github.inferredproxy.test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's test examples are the example tests that run here, as they are: change one
 * and this fails until the README shows the change.
 */
class ReadmeExamplesTests {

	private static final Path EXAMPLES = Path.of("src/test/java/io/github/inferredproxy/test/examples");

	@ParameterizedTest
	@ValueSource(strings = { "mvc/OrderControllerTests.java", "webflux/OrderControllerTests.java",
			"http/OrderApiTests.java" })
	void readmeShowsTheExampleAsItIs(String example) throws IOException {
		String source = Files.readString(EXAMPLES.resolve(example));
		int start = source.indexOf("// tag::example[]\n");
		int end = source.indexOf("\t// end::example[]");
		assertThat(start).as("example region in %s", example).isNotNegative();
		assertThat(end).as("end of the example region in %s", example).isGreaterThan(start);
		String shown = source.substring(start + "// tag::example[]\n".length(), end).stripTrailing() + "\n\n}";
		assertThat(Files.readString(Path.of("../README.md"))).contains(shown);
	}

}
