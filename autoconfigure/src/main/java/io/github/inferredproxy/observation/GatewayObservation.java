package io.github.inferredproxy.observation;

import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The gateway observation of one request, as {@link InferredProxyObservations#start}
 * started it, and the one way to end it: {@link #stop} when the response is complete,
 * {@link #cancel} when the client went away. Only the first of these calls has an effect,
 * whichever thread makes it (an async timeout and then its completion, a cancel and then
 * an error); none of them throws.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewayObservation {

	private static final Log logger = LogFactory.getLog(GatewayObservation.class);

	private final Observation observation;

	private final InferredProxyContext context;

	GatewayObservation(Observation observation) {
		this.observation = observation;
		this.context = (InferredProxyContext) observation.getContext();
	}

	/**
	 * Return the observation, for instrumentation that must make it current itself, for
	 * example in a Reactor context.
	 * @return the observation
	 */
	public Observation getObservation() {
		return this.observation;
	}

	/**
	 * Open the observation's scope, so that observations created in it, Spring's server
	 * observation first, are its children.
	 * @return the scope, to be closed on the same thread
	 */
	public Observation.Scope openScope() {
		return this.observation.openScope();
	}

	/**
	 * End the observation: the response is complete.
	 * @param statusCode the final response status, or {@code null} when unknown
	 * @param error an exception the application threw, or {@code null}
	 */
	public void stop(@Nullable Integer statusCode, @Nullable Throwable error) {
		end(statusCode, error, false);
	}

	/**
	 * End the observation: the client went away before the response was complete. A
	 * cancelled request is never an error.
	 * @param sentStatusCode the status the client was sent, or {@code null} when nothing
	 * was sent
	 */
	public void cancel(@Nullable Integer sentStatusCode) {
		end(sentStatusCode, null, true);
	}

	private void end(@Nullable Integer statusCode, @Nullable Throwable error, boolean cancelled) {
		try {
			if (!this.context.markStopped()) {
				return;
			}
			this.context.setStatusCode(statusCode);
			if (cancelled) {
				// Else keep what the server observation may have handed over.
				this.context.setCancelled(true);
			}
			if (error != null) {
				this.observation.error(error);
			}
			this.observation.stop();
		}
		catch (RuntimeException ex) {
			logger.debug("Failed to stop the gateway observation", ex);
		}
	}

}
