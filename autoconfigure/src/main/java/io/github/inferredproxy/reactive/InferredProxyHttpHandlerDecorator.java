package io.github.inferredproxy.reactive;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.observation.GatewayObservation;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * {@link HttpHandler} that observes a request from the gateway's receive time until its
 * response is complete. It must wrap Spring's {@code HttpWebHandlerAdapter}, which
 * observes the server request around the whole {@code WebFilter} chain: a
 * {@code WebFilter} would run too late to become the server observation's parent.
 *
 * @author Inferred Proxy contributors
 */
public class InferredProxyHttpHandlerDecorator implements HttpHandler {

	private final HttpHandler delegate;

	private final InferredProxyObservations observations;

	/**
	 * Create a decorator.
	 * @param delegate the handler to observe
	 * @param observations starts and stops the gateway observations
	 */
	public InferredProxyHttpHandlerDecorator(HttpHandler delegate, InferredProxyObservations observations) {
		this.delegate = delegate;
		this.observations = observations;
	}

	@Override
	public Mono<Void> handle(ServerHttpRequest request, ServerHttpResponse response) {
		// Most requests do not come through a gateway: answer them with one header
		// lookup,
		// before a header lookup function is allocated for the parser.
		if (request.getHeaders().getFirst(GatewayHeaderParser.SYSTEM_HEADER) == null) {
			return this.delegate.handle(request, response);
		}
		GatewayObservation observation = this.observations.start(request.getHeaders()::getFirst,
				() -> remoteAddress(request));
		if (observation == null) {
			return this.delegate.handle(request, response);
		}
		Mono<Void> handled = Mono.defer(() -> this.delegate.handle(request, response))
			.contextWrite((context) -> context.put(ObservationThreadLocalAccessor.KEY, observation.getObservation()));
		// The server observation takes its parent from the current observation while it
		// is subscribed to, so the gateway scope is open around the subscription itself.
		Mono<Void> inScope = Mono.from((subscriber) -> {
			try (Observation.Scope scope = observation.openScope()) {
				handled.subscribe(subscriber);
			}
		});
		// Stopped on the way down, before the server adapter gets the signal: once it has
		// completed a servlet container's async request, the container may recycle the
		// response (Jetty does), and its status can no longer be read.
		return inScope.doOnSuccess((done) -> stopCompleted(observation, response))
			.doOnError((ex) -> stopAfterError(observation, response, ex))
			.doOnCancel(() -> stopCancelled(observation, response));
	}

	/**
	 * The remote IP address for the trust policy: the connection's peer (with
	 * {@code server.forward-headers-strategy=native}, the address Reactor Netty took from
	 * the forwarded headers instead).
	 * @param request the request
	 * @return the address, or {@code null} when unknown
	 */
	private static @Nullable String remoteAddress(ServerHttpRequest request) {
		InetSocketAddress address = request.getRemoteAddress();
		InetAddress ip = (address != null) ? address.getAddress() : null;
		return (ip != null) ? ip.getHostAddress() : null;
	}

	/**
	 * Stop after an error that Spring's {@code HttpWebHandlerAdapter} did not turn into a
	 * response. It turns an error into a 500 itself while it still can, so an error that
	 * reaches here mostly comes after the response was committed (a stream that failed
	 * half-way): the client got the committed status, as the server span says. A client
	 * that went away is a cancelled request, not an error.
	 * @param observation the gateway observation
	 * @param response the response
	 * @param ex the error
	 */
	private static void stopAfterError(GatewayObservation observation, ServerHttpResponse response, Throwable ex) {
		if (InferredProxyObservations.isClientGone(ex)) {
			observation.cancel(sentStatus(response));
			return;
		}
		Integer sent = sentStatus(response);
		observation.stop((sent != null) ? sent : 500, ex);
	}

	private static void stopCompleted(GatewayObservation observation, ServerHttpResponse response) {
		HttpStatusCode status = response.getStatusCode();
		// A response completed without an explicit status is a 200.
		observation.stop((status != null) ? status.value() : 200, null);
	}

	/**
	 * The client went away. Reactor Netty reports 200 before anything is written: only a
	 * status that was sent counts, as for Spring's server observation. A servlet
	 * container may already have recycled the response: then no status is known.
	 * @param observation the gateway observation
	 * @param response the response
	 */
	private static void stopCancelled(GatewayObservation observation, ServerHttpResponse response) {
		Integer sent;
		try {
			sent = sentStatus(response);
		}
		catch (IllegalStateException ex) {
			sent = null;
		}
		observation.cancel(sent);
	}

	private static @Nullable Integer sentStatus(ServerHttpResponse response) {
		HttpStatusCode status = response.getStatusCode();
		return (response.isCommitted() && status != null) ? Integer.valueOf(status.value()) : null;
	}

}
