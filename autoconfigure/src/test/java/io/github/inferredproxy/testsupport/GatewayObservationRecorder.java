package io.github.inferredproxy.testsupport;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.inferredproxy.observation.InferredProxyContext;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import static org.awaitility.Awaitility.await;

/**
 * Records every start and stop of a gateway observation, keyed by the test's
 * {@value #REQUEST_ID_HEADER} request header. A plain {@link ObservationHandler} bean, so
 * Boot registers it next to (not instead of) the tracing and meter handlers.
 * <p>
 * Starts happen on the request thread before the response is written, so once a response
 * has arrived, {@link #starts(String)} is final; stops of async requests may come later,
 * hence {@link #awaitStopped(String)}.
 */
public final class GatewayObservationRecorder implements ObservationHandler<InferredProxyContext> {

	/**
	 * Header that names a request in the recordings.
	 */
	public static final String REQUEST_ID_HEADER = "x-test-request-id";

	private static final String NO_ID = "(no " + REQUEST_ID_HEADER + ")";

	private static final String ID_KEY = GatewayObservationRecorder.class.getName() + ".id";

	private final Map<String, List<String>> events = new ConcurrentHashMap<>();

	@Override
	public void onStart(InferredProxyContext context) {
		String id = (context.getCarrier() != null) ? context.getCarrier().firstValue(REQUEST_ID_HEADER) : null;
		// The carrier reads the live request, which Tomcat recycles after completion.
		context.put(ID_KEY, (id != null) ? id : NO_ID);
		record(context, "start");
	}

	@Override
	public void onStop(InferredProxyContext context) {
		record(context, "stop " + context.getStatusCode());
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof InferredProxyContext;
	}

	private void record(InferredProxyContext context, String event) {
		this.events.computeIfAbsent(context.getRequired(ID_KEY), (id) -> new CopyOnWriteArrayList<>()).add(event);
	}

	/**
	 * Return what happened to the gateway observations of a request, in order: "start",
	 * "stop &lt;status&gt;".
	 * @param requestId the request id
	 * @return the events, empty when the request got no gateway observation
	 */
	public List<String> events(String requestId) {
		return List.copyOf(this.events.getOrDefault(requestId, List.of()));
	}

	/**
	 * Return how many gateway observations were started for a request.
	 * @param requestId the request id
	 * @return the number of starts
	 */
	public long starts(String requestId) {
		return events(requestId).stream().filter("start"::equals).count();
	}

	/**
	 * Wait, at most 10 seconds, until every gateway observation of a request has stopped.
	 * @param requestId the request id
	 * @return the events
	 */
	public List<String> awaitStopped(String requestId) {
		return await("gateway observation of " + requestId + " stopped").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> events(requestId), (events) -> !events.isEmpty()
					&& events.stream().filter((e) -> e.startsWith("stop")).count() >= starts(requestId));
	}

	/**
	 * Return the recordings of all requests.
	 * @return events by request id
	 */
	public Map<String, List<String>> all() {
		return Map.copyOf(this.events);
	}

	/**
	 * Registers the recorder.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Config {

		@Bean
		GatewayObservationRecorder gatewayObservationRecorder() {
			return new GatewayObservationRecorder();
		}

	}

}
