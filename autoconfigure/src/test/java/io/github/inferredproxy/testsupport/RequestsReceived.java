package io.github.inferredproxy.testsupport;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.awaitility.Awaitility;

/**
 * The test requests that an application's handler has started on, by their
 * {@value GatewayObservationRecorder#REQUEST_ID_HEADER} header: a client that means to go
 * away in the middle of a request waits for it here, rather than for a fixed time after
 * which the server may not even have read the request.
 */
public final class RequestsReceived {

	private static final Set<String> IDS = ConcurrentHashMap.newKeySet();

	private RequestsReceived() {
	}

	/**
	 * Note that the handler started on a request.
	 * @param requestId the request's id header, or {@code null}
	 */
	public static void received(String requestId) {
		if (requestId != null) {
			IDS.add(requestId);
		}
	}

	/**
	 * Wait, at most 10 seconds, until the handler has started on a request.
	 * @param requestId the request's id
	 */
	public static void await(String requestId) {
		Awaitility.await("handler started on request " + requestId)
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(5))
			.until(() -> IDS.remove(requestId));
	}

}
