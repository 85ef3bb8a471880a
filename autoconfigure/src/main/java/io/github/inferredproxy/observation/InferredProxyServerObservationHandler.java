package io.github.inferredproxy.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

/**
 * Hands over to the gateway observation what only Spring's server observation
 * ({@code http.server.requests}), its child, knows: an exception that WebFlux turns into
 * a 500 before the gateway sees the response, a client that went away while the request
 * body was read, and the route the application matched (for a gateway that sends none or
 * a greedy one).
 * <p>
 * Not a tracing or meter handler, so that Spring Boot runs it next to those, whichever
 * tracing handler handles the server observation.
 *
 * @author Inferred Proxy contributors
 */
public class InferredProxyServerObservationHandler implements ObservationHandler<ReceiverContext<?>> {

	@Override
	public boolean supportsContext(Observation.Context context) {
		return gatewayParent(context) != null;
	}

	@Override
	public void onError(ReceiverContext<?> context) {
		InferredProxyContext gateway = gatewayParent(context);
		Throwable error = context.getError();
		if (gateway == null || error == null) {
			return;
		}
		if (InferredProxyObservations.isClientGone(error)) {
			gateway.setCancelled(true);
		}
		else if (gateway.getError() == null) {
			gateway.setError(error);
		}
	}

	@Override
	public void onStop(ReceiverContext<?> context) {
		InferredProxyContext gateway = gatewayParent(context);
		if (gateway != null) {
			gateway.setApplicationRoute(matchedRoute(context));
		}
	}

	/**
	 * The route the application matched, from Spring's server observation: its
	 * {@code uri} key is the route template, {@code root} for "/", or {@code NOT_FOUND},
	 * {@code REDIRECTION}, {@code UNKNOWN} when no route matched. {@code /**} is the
	 * static resources' catch-all that every unmatched request falls to, not a route.
	 * @param server the server observation's context
	 * @return the route, or {@code null} when none matched
	 */
	private static @Nullable String matchedRoute(ReceiverContext<?> server) {
		KeyValue uri = server.getLowCardinalityKeyValue("uri");
		String value = (uri != null) ? uri.getValue() : null;
		if (value == null || value.equals("/**")) {
			return null;
		}
		if (value.equals("root")) {
			return "/";
		}
		return value.startsWith("/") ? value : null;
	}

	/**
	 * Return the gateway context of a server observation whose parent is a gateway
	 * observation.
	 * @param context any context
	 * @return the gateway context, or {@code null} when the context is not such a server
	 * observation's
	 */
	static @Nullable InferredProxyContext gatewayParent(Observation.Context context) {
		if (!(context instanceof ReceiverContext) || context instanceof InferredProxyContext) {
			return null;
		}
		ObservationView parent = context.getParentObservation();
		return (parent != null && parent.getContextView() instanceof InferredProxyContext gateway) ? gateway : null;
	}

}
