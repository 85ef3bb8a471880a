package io.github.inferredproxy.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The repository's Markdown documents as the tests read them: their fenced code blocks
 * (with the snippet marker in front of each, if any), their headings' anchors and their
 * links; and the tagged regions of the files that snippets come from.
 */
final class Docs {

	/** The repository's root: the tests run in {@code docs/}. */
	static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	/**
	 * {@code <!-- snippet: path/from/the/root#tag -->}, or without {@code #tag} for a
	 * whole file.
	 */
	private static final Pattern SNIPPET = Pattern.compile("<!-- snippet: ([^#\\s]+)(?:#([\\w-]+))? -->");

	private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *#* *$");

	private static final Pattern HTML_ANCHOR = Pattern.compile("<a (?:name|id)=\"([^\"]+)\"");

	private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)(?: \"[^\"]*\")?\\)");

	private static final Pattern INLINE_CODE = Pattern.compile("`+[^`]*`+");

	private static final Set<String> SKIPPED_FOLDERS = Set.of(".git", ".mvn", "target", "node_modules", "cdk.out",
			"dist");

	private Docs() {
	}

	/**
	 * Every Markdown document of the repository, outside build output and installed
	 * packages.
	 */
	static List<Path> markdownFiles() {
		return files((file) -> file.getFileName().toString().endsWith(".md"));
	}

	/**
	 * The repository's files that match, outside build output and installed packages,
	 * sorted.
	 */
	static List<Path> files(Predicate<Path> filter) {
		List<Path> found = new ArrayList<>();
		try {
			Files.walkFileTree(ROOT, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
					return SKIPPED_FOLDERS.contains(dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE
							: FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
					if (filter.test(file)) {
						found.add(file);
					}
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return found.stream().sorted().toList();
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static String relative(Path file) {
		return ROOT.relativize(file).toString();
	}

	/** The fenced code blocks of a document, in order. */
	static List<CodeBlock> codeBlocks(Path markdown) {
		List<String> lines = read(markdown).lines().toList();
		List<CodeBlock> blocks = new ArrayList<>();
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (!line.startsWith("```")) {
				continue;
			}
			String language = line.substring(3).strip();
			int start = i;
			StringBuilder text = new StringBuilder();
			for (i++; i < lines.size() && !lines.get(i).equals("```"); i++) {
				text.append(lines.get(i)).append('\n');
			}
			String source = null;
			String tag = null;
			if (start > 0) {
				Matcher marker = SNIPPET.matcher(lines.get(start - 1).strip());
				if (marker.matches()) {
					source = marker.group(1);
					tag = marker.group(2);
				}
			}
			blocks.add(new CodeBlock(markdown, start + 1, language, text.toString().stripTrailing(), source, tag));
		}
		return blocks;
	}

	/**
	 * The lines of a document outside its fenced code blocks, with their line numbers.
	 */
	static Map<Integer, String> prose(Path markdown) {
		List<String> lines = read(markdown).lines().toList();
		Map<Integer, String> prose = new HashMap<>();
		boolean inCode = false;
		for (int i = 0; i < lines.size(); i++) {
			String line = lines.get(i);
			if (line.startsWith("```")) {
				inCode = !inCode;
			}
			else if (!inCode) {
				prose.put(i + 1, line);
			}
		}
		return prose;
	}

	/**
	 * The anchors a link can point at: the headings' GitHub anchors and explicit HTML
	 * anchors.
	 */
	static Set<String> anchors(Path markdown) {
		Set<String> anchors = new LinkedHashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		prose(markdown).entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach((entry) -> {
			Matcher heading = HEADING.matcher(entry.getValue());
			if (heading.matches()) {
				String slug = slug(heading.group(1));
				int count = seen.merge(slug, 1, Integer::sum);
				anchors.add((count == 1) ? slug : slug + "-" + (count - 1));
			}
			Matcher html = HTML_ANCHOR.matcher(entry.getValue());
			while (html.find()) {
				anchors.add(html.group(1));
			}
		});
		return anchors;
	}

	/**
	 * GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens.
	 */
	static String slug(String heading) {
		String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
		StringBuilder slug = new StringBuilder();
		text.codePoints().forEach((c) -> {
			if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
				slug.appendCodePoint(c);
			}
			else if (c == ' ') {
				slug.append('-');
			}
		});
		return slug.toString();
	}

	/**
	 * The link targets of a document's prose (not of its code), with their line numbers.
	 */
	static List<Link> links(Path markdown) {
		List<Link> links = new ArrayList<>();
		prose(markdown).entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach((entry) -> {
			Matcher link = LINK.matcher(INLINE_CODE.matcher(entry.getValue()).replaceAll(""));
			while (link.find()) {
				links.add(new Link(markdown, entry.getKey(), link.group(1)));
			}
		});
		return links;
	}

	/**
	 * The text a snippet shows: the lines between every {@code tag::name[]} and
	 * {@code end::name[]} line of the file, each region without its common indentation,
	 * regions separated by a blank line; the whole file without a tag.
	 */
	static String region(Path file, String tag) {
		String content = read(file);
		if (tag == null) {
			return content.stripTrailing();
		}
		List<String> pieces = new ArrayList<>();
		List<String> piece = null;
		for (String line : content.lines().toList()) {
			if (line.contains("tag::" + tag + "[]")) {
				piece = new ArrayList<>();
			}
			else if (line.contains("end::" + tag + "[]") && piece != null) {
				pieces.add(dedent(piece));
				piece = null;
			}
			else if (piece != null && !line.contains("tag::") && !line.contains("end::")) {
				piece.add(line);
			}
		}
		if (piece != null) {
			throw new IllegalStateException("tag::" + tag + "[] without end::" + tag + "[] in " + file);
		}
		if (pieces.isEmpty()) {
			throw new IllegalStateException("no tag::" + tag + "[] in " + file);
		}
		return String.join("\n\n", pieces);
	}

	private static String dedent(List<String> lines) {
		int indent = lines.stream()
			.filter((line) -> !line.isBlank())
			.mapToInt((line) -> line.length() - line.stripLeading().length())
			.min()
			.orElse(0);
		StringBuilder text = new StringBuilder();
		for (String line : lines) {
			text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
		}
		return text.toString().replaceAll("^\n+", "").stripTrailing();
	}

	/**
	 * A fenced code block.
	 *
	 * @param markdown the document
	 * @param line the line of its opening fence
	 * @param language the fence's info string
	 * @param text its text
	 * @param source the file it shows, relative to the root, from its snippet marker;
	 * else {@code null}
	 * @param tag the region of that file, {@code null} for the whole file
	 */
	record CodeBlock(Path markdown, int line, String language, String text, String source, String tag) {

		@Override
		public String toString() {
			return relative(this.markdown) + ":" + this.line;
		}

	}

	/**
	 * A link in a document's prose.
	 *
	 * @param markdown the document
	 * @param line its line
	 * @param target what it points at
	 */
	record Link(Path markdown, int line, String target) {

		@Override
		public String toString() {
			return relative(this.markdown) + ":" + this.line + " (" + this.target + ")";
		}

	}

}
