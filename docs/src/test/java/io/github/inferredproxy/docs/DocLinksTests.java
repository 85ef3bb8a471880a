package io.github.inferredproxy.docs;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every link of every Markdown document leads somewhere a reader can follow: an anchor of
 * the same document, or a file of the repository (and an anchor of it, for a Markdown
 * file).
 */
class DocLinksTests {

	@Test
	void theDocumentsAreFound() {
		assertThat(Docs.markdownFiles()).extracting(Docs::relative)
			.contains("README.md", "docs/gateway-setup.md", "sample-app/README.md", "benchmarks/README.md");
	}

	@Test
	void everyLinkResolves() {
		List<String> broken = new ArrayList<>();
		for (Path markdown : Docs.markdownFiles()) {
			for (Docs.Link link : Docs.links(markdown)) {
				String problem = problem(link);
				if (problem != null) {
					broken.add(link + ": " + problem);
				}
			}
		}
		assertThat(broken).as("broken links").isEmpty();
	}

	private static String problem(Docs.Link link) {
		String target = link.target();
		if (target.matches("[a-z][a-z0-9+.-]*:.*")) {
			return URI.create(target).getScheme().matches("https?|mailto") ? null : "not a web address";
		}
		int hash = target.indexOf('#');
		String path = (hash < 0) ? target : target.substring(0, hash);
		String anchor = (hash < 0) ? null : target.substring(hash + 1);
		Path file = path.isEmpty() ? link.markdown() : link.markdown().resolveSibling(path).normalize();
		if (!file.startsWith(Docs.ROOT)) {
			return "outside the repository";
		}
		if (!Files.exists(file)) {
			return "no such file";
		}
		for (Path part : Docs.ROOT.relativize(file)) {
			if (part.toString().equals("target") || part.toString().equals("node_modules")) {
				return "build output, not in the repository";
			}
		}
		if (anchor != null && file.toString().endsWith(".md") && !Docs.anchors(file).contains(anchor)) {
			return "no such anchor in " + Docs.relative(file);
		}
		return null;
	}

}
