package io.github.inferredproxy.reactive;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.observation.GatewayObservation;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

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

	private static final Log logger = LogFactory.getLog(InferredProxyHttpHandlerDecorator.class);

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
		return ObservedHandling.of(this.delegate, request, response, observation);
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

	/**
	 * The delegate's handling of one exchange under its gateway observation: one operator
	 * instead of a chain of Reactor's. It opens the gateway scope around the delegate's
	 * subscription (the server observation takes its parent from the current observation
	 * then), puts the gateway observation in the Reactor context under
	 * {@link ObservationThreadLocalAccessor#KEY} for the code below, and stops the
	 * observation when the handling completes, fails or is cancelled, before passing the
	 * signal on. Being Reactor's own kind of publisher, it adds no thread-local restoring
	 * step to every signal in Reactor's automatic context propagation mode, which
	 * {@code contextWrite} and {@code Mono.from} of a plain publisher each do.
	 */
	private static final class ObservedHandling extends Mono<Void> {

		private final HttpHandler delegate;

		private final ServerHttpRequest request;

		private final ServerHttpResponse response;

		private final GatewayObservation observation;

		private ObservedHandling(HttpHandler delegate, ServerHttpRequest request, ServerHttpResponse response,
				GatewayObservation observation) {
			this.delegate = delegate;
			this.request = request;
			this.response = response;
			this.observation = observation;
		}

		/**
		 * Create the handling, through Reactor's assembly hooks as Reactor's own
		 * operators are (its debug mode records where it was assembled).
		 * @param delegate the handler to observe
		 * @param request the request
		 * @param response the response
		 * @param observation the started gateway observation
		 * @return the handling
		 */
		static Mono<Void> of(HttpHandler delegate, ServerHttpRequest request, ServerHttpResponse response,
				GatewayObservation observation) {
			return onAssembly(new ObservedHandling(delegate, request, response, observation));
		}

		@Override
		@SuppressWarnings("try")
		public void subscribe(CoreSubscriber<? super Void> actual) {
			Mono<Void> handling;
			try (Observation.Scope scope = this.observation.openScope()) {
				try {
					handling = this.delegate.handle(this.request, this.response);
				}
				catch (RuntimeException | Error ex) {
					// As Mono.defer would: the failure of a handler that throws
					// instead of returning an error signal.
					Operators.error(new StoppingSubscriber(actual, this.observation, this.response), ex);
					return;
				}
				handling.subscribe(new StoppingSubscriber(actual, this.observation, this.response));
			}
		}

	}

	/**
	 * Passes the delegate's signals on, stopping the gateway observation first: on the
	 * way down, before the server adapter gets the signal, because once it has completed
	 * a servlet container's async request the container may recycle the response (Jetty
	 * does), and its status can no longer be read.
	 */
	private static final class StoppingSubscriber implements CoreSubscriber<Void>, Subscription {

		private final CoreSubscriber<? super Void> actual;

		private final GatewayObservation observation;

		private final ServerHttpResponse response;

		private final Context context;

		private @Nullable Subscription upstream;

		StoppingSubscriber(CoreSubscriber<? super Void> actual, GatewayObservation observation,
				ServerHttpResponse response) {
			this.actual = actual;
			this.observation = observation;
			this.response = response;
			this.context = actual.currentContext()
				.put(ObservationThreadLocalAccessor.KEY, observation.getObservation());
		}

		@Override
		public Context currentContext() {
			return this.context;
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.upstream = subscription;
			this.actual.onSubscribe(this);
		}

		/**
		 * Stop the observation. Whatever goes wrong, the signal still goes on, so that
		 * the starter never breaks the exchange, and the observation still ends, without
		 * a status (a response that could not be read, such as one a container recycled
		 * early), rather than stay open.
		 * @param stop what stops the observation
		 */
		private void stopQuietly(Runnable stop) {
			try {
				stop.run();
			}
			catch (RuntimeException ex) {
				logger.debug("Failed to read the response to stop the gateway observation", ex);
				this.observation.stop(null, null);
			}
		}

		@Override
		public void onNext(Void value) {
			// A Mono<Void> emits no value.
		}

		@Override
		public void onError(Throwable ex) {
			stopQuietly(() -> stopAfterError(this.observation, this.response, ex));
			this.actual.onError(ex);
		}

		@Override
		public void onComplete() {
			stopQuietly(() -> stopCompleted(this.observation, this.response));
			this.actual.onComplete();
		}

		@Override
		public void request(long n) {
			Subscription upstream = this.upstream;
			if (upstream != null) {
				upstream.request(n);
			}
		}

		@Override
		public void cancel() {
			stopQuietly(() -> stopCancelled(this.observation, this.response));
			Subscription upstream = this.upstream;
			if (upstream != null) {
				upstream.cancel();
			}
		}

	}

}
