package io.github.inferredproxy.sample.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Finds nginx, or installs Debian's {@code nginx-light} when the test runs as root with
 * apt, and runs the sample's gateway configuration in the foreground.
 */
final class Nginx {

	private static final List<String> LOCATIONS = List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx",
			"/usr/local/bin/nginx", "/usr/bin/nginx", "/opt/homebrew/bin/nginx");

	private Nginx() {
	}

	/**
	 * Return the nginx binary, installing it if missing and possible.
	 * @param workDir where the installation log goes
	 * @return the binary, or {@code null} with the reason printed
	 */
	static @Nullable Path locateOrInstall(Path workDir) {
		Path nginx = locate();
		if (nginx != null) {
			return nginx;
		}
		if (!isRoot() || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
			System.out.println("[e2e] nginx not found, and cannot install it (needs root and apt-get)");
			return null;
		}
		Path log = workDir.resolve("apt-get.log");
		System.out.println("[e2e] nginx not found: apt-get install -y nginx-light (log: " + log + ")");
		if (!run(log, "apt-get", "install", "-y", "-q", "nginx-light")) {
			run(log, "apt-get", "update", "-q");
			run(log, "apt-get", "install", "-y", "-q", "nginx-light");
		}
		return locate();
	}

	private static @Nullable Path locate() {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String dir : path.split(java.io.File.pathSeparator)) {
				Path candidate = Path.of(dir, "nginx");
				if (Files.isExecutable(candidate)) {
					return candidate;
				}
			}
		}
		return LOCATIONS.stream().map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
	}

	private static boolean isRoot() {
		try {
			Process id = new ProcessBuilder("id", "-u").start();
			String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
			return id.waitFor(10, TimeUnit.SECONDS) && "0".equals(uid);
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	private static boolean run(Path log, String... command) {
		try {
			Files.createDirectories(log.getParent());
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
			Process process = builder.start();
			if (!process.waitFor(5, TimeUnit.MINUTES)) {
				process.destroyForcibly();
				return false;
			}
			return process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Start nginx with the sample's configuration template, in the foreground, with its
	 * own prefix (configuration, pid, logs, temp files) under {@code prefix}.
	 */
	static ExternalProcess start(Path nginx, Path template, Path prefix, int gatewayPort, int appPort) {
		try {
			Files.createDirectories(prefix.resolve("logs"));
			Files.createDirectories(prefix.resolve("temp"));
			String config = Files.readString(template)
				.replace("@GATEWAY_PORT@", Integer.toString(gatewayPort))
				.replace("@APP_PORT@", Integer.toString(appPort));
			Files.writeString(prefix.resolve("nginx.conf"), config);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ExternalProcess process = ExternalProcess.start("nginx " + prefix.getFileName(), List.of(nginx.toString(), "-p",
				prefix + "/", "-e", "logs/error.log", "-c", "nginx.conf", "-g", "daemon off;"),
				prefix.resolve("logs/stdout.log"));
		process.awaitReady(Duration.ofSeconds(20), () -> ExternalProcess.accepts(gatewayPort));
		return process;
	}

}
