package io.github.inferredproxy.testsupport;

import java.time.Duration;
import java.util.Optional;

import org.awaitility.Awaitility;

import org.springframework.boot.test.system.CapturedOutput;

/**
 * The application's log lines, as Spring Boot's console appender wrote them.
 */
public final class LogLines {

	private LogLines() {
	}

	/**
	 * Wait, at most 10 seconds, for the log line that ends with the given text.
	 * @param output the output captured by {@code OutputCaptureExtension}
	 * @param text the end of the line, the logged message
	 * @return the whole line
	 */
	public static String awaitLine(CapturedOutput output, String text) {
		return Awaitility.await("log line " + text)
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> output.getOut().lines().filter((line) -> line.endsWith(text)).findFirst(), Optional::isPresent)
			.get();
	}

}
