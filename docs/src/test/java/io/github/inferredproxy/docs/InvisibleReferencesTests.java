package io.github.inferredproxy.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documents, the comments and the scripts refer to nothing a reader of the repository
 * cannot see: no project-internal specification or notes, no issue numbers of a tracker
 * outside it, no paths of the machine it was written on.
 */
class InvisibleReferencesTests {

	private static final Pattern INVISIBLE = Pattern
		.compile("\\bSPEC\\b|DESIGN-NOTES|(?i:\\bissue #?\\d+)|\\.\\./shared\\b|/work/");

	private static final Set<String> EXTENSIONS = Set.of("md", "java", "sh", "py", "lua", "conf", "xml", "properties",
			"ts", "js", "tf", "yaml", "json");

	@Test
	void nothingRefersToWhatReadersCannotSee() {
		Path self = Path.of("src/test/java/io/github/inferredproxy/docs/InvisibleReferencesTests.java")
			.toAbsolutePath();
		List<String> found = new ArrayList<>();
		for (Path file : Docs.files(InvisibleReferencesTests::isText)) {
			if (file.equals(self)) {
				continue;
			}
			List<String> lines = Docs.read(file).lines().toList();
			for (int i = 0; i < lines.size(); i++) {
				if (INVISIBLE.matcher(lines.get(i)).find()) {
					found.add(Docs.relative(file) + ":" + (i + 1) + ": " + lines.get(i).strip());
				}
			}
		}
		assertThat(found).as("references to what a reader cannot see").isEmpty();
	}

	private static boolean isText(Path file) {
		String name = file.getFileName().toString();
		return !name.equals("package-lock.json") && EXTENSIONS.contains(name.substring(name.lastIndexOf('.') + 1));
	}

}
