package io.github.inferredproxy.observation;

import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.RejectionReason;

/**
 * Told about every request that carries gateway headers: whether it got a gateway span.
 * Called on the request's thread, once per request; an implementation must be thread-safe
 * and fast, and what it throws is ignored.
 * <p>
 * Beans of this type are told by the auto-configured instrumentation, in bean order.
 *
 * @author Inferred Proxy contributors
 */
public interface InferredProxyRequestListener {

	/**
	 * Called when a request's gateway observation has started.
	 * @param request what the gateway headers said
	 */
	default void accepted(GatewayRequest request) {
	}

	/**
	 * Called when a request with an {@code x-dd-proxy} header gets no gateway span.
	 * @param reason why
	 */
	default void rejected(RejectionReason reason) {
	}

}
