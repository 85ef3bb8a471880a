package io.github.inferredproxy.docs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The npm project in {@code docs/cdk-ts}, built once per test run: {@code npm ci} (only
 * when its lock file changed since the last install: {@code node_modules} stays,
 * git-ignored), then {@code cdk synth} of the CDK (TypeScript) recipes into
 * {@code cdk-ts/cdk.out} and HashiCorp's HCL parser over {@code docs/terraform} into
 * {@code target/terraform-json}. Without Node.js 20 or later and npm, the tests that need
 * them are skipped, saying so.
 */
final class NodeProject {

	static final Path DIR = Docs.ROOT.resolve("docs/cdk-ts");

	static final Path CDK_OUT = DIR.resolve("cdk.out");

	static final Path TERRAFORM_JSON = Path.of("target/terraform-json").toAbsolutePath();

	private static final boolean WINDOWS = System.getProperty("os.name").startsWith("Windows");

	private static final String NPM = WINDOWS ? "npm.cmd" : "npm";

	private static String unavailable;

	private static boolean built;

	private static AssertionError failure;

	private NodeProject() {
	}

	/**
	 * Builds the project once, or skips the calling test when Node.js or npm is missing.
	 */
	static synchronized void build() {
		if (failure != null) {
			throw failure;
		}
		if (!built && unavailable == null) {
			unavailable = unavailable();
			if (unavailable != null) {
				System.err.println("[docs] " + unavailable);
			}
			else {
				try {
					install();
					delete(CDK_OUT);
					delete(DIR.resolve("dist"));
					run(List.of(NPM, "run", "--silent", "synth"), 5);
					run(List.of("node", "scripts/hcl2json.js", "../terraform", TERRAFORM_JSON.toString()), 2);
					built = true;
				}
				catch (AssertionError ex) {
					failure = ex;
					throw ex;
				}
			}
		}
		Assumptions.assumeTrue(unavailable == null, () -> unavailable);
	}

	/**
	 * Whether Node.js 20+ and npm are there, for the CDK for Java too: {@code null} if
	 * so.
	 */
	static String unavailable() {
		String skipped = "the CDK synthesis and the Terraform parse of the docs are skipped (install Node.js 20 or later "
				+ "and npm, on Debian or Ubuntu: apt-get install nodejs npm)";
		String version = output(List.of("node", "--version"));
		if (version == null || output(List.of(NPM, "--version")) == null) {
			return "node or npm is not on the PATH: " + skipped;
		}
		int major = Integer.parseInt(version.strip().replaceAll("^v(\\d+).*", "$1"));
		return (major < 20) ? "node " + version.strip() + " is older than 20: " + skipped : null;
	}

	private static void install() {
		Path stamp = DIR.resolve("node_modules/.installed-package-lock.sha256");
		String lock = sha256(DIR.resolve("package-lock.json"));
		if (Files.isRegularFile(stamp) && lock.equals(Docs.read(stamp).strip())) {
			return;
		}
		run(List.of(NPM, "ci", "--no-audit", "--no-fund"), 10);
		try {
			Files.writeString(stamp, lock);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void run(List<String> command, int minutes) {
		ProcessBuilder builder = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true);
		// Nothing but the npm registry: no IMDS credential lookup, no notices, no
		// telemetry.
		builder.environment().put("AWS_EC2_METADATA_DISABLED", "true");
		builder.environment().put("CDK_DISABLE_CLI_TELEMETRY", "true");
		try {
			Path log = Files.createTempFile("docs-node-", ".log");
			Process process = builder.redirectOutput(log.toFile()).start();
			boolean done = process.waitFor(minutes, TimeUnit.MINUTES);
			if (!done) {
				process.destroyForcibly();
			}
			String output = Files.readString(log);
			Files.delete(log);
			if (!done || process.exitValue() != 0) {
				throw new AssertionError(String.join(" ", command) + " in " + DIR
						+ (done ? " failed (exit " + process.exitValue() + ")" : " took over " + minutes + " min")
						+ ":\n" + output);
			}
		}
		catch (IOException ex) {
			throw new AssertionError(String.join(" ", command) + " could not run", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	private static String output(List<String> command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			return (process.waitFor(1, TimeUnit.MINUTES) && process.exitValue() == 0) ? output : null;
		}
		catch (IOException ex) {
			return null;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return null;
		}
	}

	private static String sha256(Path file) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void delete(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (var files = Files.walk(dir)) {
			List<Path> all = new ArrayList<>(files.toList());
			for (int i = all.size() - 1; i >= 0; i--) {
				Files.delete(all.get(i));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
