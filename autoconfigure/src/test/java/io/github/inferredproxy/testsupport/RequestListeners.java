package io.github.inferredproxy.testsupport;

import java.util.List;

import io.github.inferredproxy.gateway.RejectionReason;
import io.github.inferredproxy.observation.InferredProxyRequestListener;

/**
 * Request listeners for tests.
 */
public final class RequestListeners {

	private RequestListeners() {
	}

	/**
	 * A listener that adds every rejection reason to a list.
	 */
	public static InferredProxyRequestListener rejectionsInto(List<RejectionReason> reasons) {
		return new InferredProxyRequestListener() {

			@Override
			public void rejected(RejectionReason reason) {
				reasons.add(reason);
			}

		};
	}

	/**
	 * A listener that throws whatever it is told.
	 */
	public static InferredProxyRequestListener failing() {
		return new InferredProxyRequestListener() {

			@Override
			public void accepted(io.github.inferredproxy.gateway.GatewayRequest request) {
				throw new IllegalStateException("meter registry closed");
			}

			@Override
			public void rejected(RejectionReason reason) {
				throw new IllegalStateException("meter registry closed");
			}

		};
	}

}
