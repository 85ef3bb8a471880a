package io.github.inferredproxy.servlet;

import java.io.IOException;
import java.util.Objects;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.observation.GatewayObservation;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.micrometer.observation.Observation;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet filter that observes a request from the gateway's receive time until its
 * response is complete. It must run outside Spring's {@code ServerHttpObservationFilter},
 * so that the gateway observation is current when the server observation is created and
 * becomes its parent.
 * <p>
 * Like Spring's filter, it observes the REQUEST dispatch, reopens the scope on ASYNC
 * dispatches and, when async processing started, stops the observation when the async
 * request completes. ERROR dispatches are not filtered, so they never start a second
 * gateway span. A client that went away ({@link InferredProxyObservations#isClientGone})
 * makes a cancelled request, not a server error.
 *
 * @author Inferred Proxy contributors
 */
public class InferredProxyFilter extends OncePerRequestFilter {

	private static final String OBSERVATION_ATTRIBUTE = InferredProxyFilter.class.getName() + ".observation";

	private final InferredProxyObservations observations;

	private volatile @Nullable AttributeName alreadyFilteredAttributeName;

	/**
	 * Create a filter.
	 * @param observations starts and stops the gateway observations
	 */
	public InferredProxyFilter(InferredProxyObservations observations) {
		this.observations = observations;
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		return false;
	}

	/**
	 * Most requests do not come through a gateway: pass them on before
	 * {@code OncePerRequestFilter} sets and removes its request attribute, so that they
	 * cost one header lookup and allocate nothing.
	 */
	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		return request.getHeader(GatewayHeaderParser.SYSTEM_HEADER) == null
				&& request.getAttribute(OBSERVATION_ATTRIBUTE) == null;
	}

	/**
	 * The name {@code OncePerRequestFilter} asks for on every request, built once per
	 * filter name rather than concatenated per request.
	 */
	@Override
	protected String getAlreadyFilteredAttributeName() {
		String filterName = getFilterName();
		AttributeName cached = this.alreadyFilteredAttributeName;
		if (cached == null || !Objects.equals(cached.filterName(), filterName)) {
			cached = new AttributeName(filterName, super.getAlreadyFilteredAttributeName());
			this.alreadyFilteredAttributeName = cached;
		}
		return cached.attributeName();
	}

	@Override
	@SuppressWarnings("try")
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain filterChain)
			throws ServletException, IOException {
		GatewayObservation observation = (GatewayObservation) request.getAttribute(OBSERVATION_ATTRIBUTE);
		if (observation == null && !isAsyncDispatch(request)) {
			observation = this.observations.start(request::getHeader, request::getRemoteAddr);
			if (observation != null) {
				request.setAttribute(OBSERVATION_ATTRIBUTE, observation);
			}
		}
		if (observation == null) {
			filterChain.doFilter(request, response);
			return;
		}
		Throwable error = null;
		try (Observation.Scope scope = observation.openScope()) {
			filterChain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException | Error ex) {
			error = unwrap(ex);
			throw ex;
		}
		finally {
			if (request.isAsyncStarted()) {
				if (request.getDispatcherType() == DispatcherType.REQUEST) {
					request.getAsyncContext().addListener(new CompletionListener(observation, response));
				}
			}
			else if (!isAsyncDispatch(request)) {
				if (error == null) {
					error = (Throwable) request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
				}
				stop(observation, response, error);
			}
		}
	}

	private static void stop(GatewayObservation observation, HttpServletResponse response, @Nullable Throwable error) {
		if (error != null && InferredProxyObservations.isClientGone(error)) {
			stopCancelled(observation, response);
			return;
		}
		// An exception leaving the filter chain becomes a 500 once the container sees
		// it, whatever the response says now.
		int status = (error != null && response.getStatus() < 500) ? 500 : response.getStatus();
		observation.stop(status, error);
	}

	/**
	 * The client went away: not a server error, and the status is the one it was sent, if
	 * the response got that far.
	 * @param observation the gateway observation
	 * @param response the response
	 */
	private static void stopCancelled(GatewayObservation observation, HttpServletResponse response) {
		observation.cancel(response.isCommitted() ? response.getStatus() : null);
	}

	private static Throwable unwrap(Throwable ex) {
		return (ex instanceof ServletException && ex.getCause() != null) ? ex.getCause() : ex;
	}

	private record AttributeName(@Nullable String filterName, String attributeName) {

	}

	/**
	 * Stops the observation when the async request completes, after Spring's listener has
	 * stopped the server observation (listeners run in registration order). A timeout or
	 * an error is always followed by completion, when the final status is known.
	 */
	private static final class CompletionListener implements AsyncListener {

		private final GatewayObservation observation;

		private final HttpServletResponse response;

		private volatile @Nullable Throwable error;

		CompletionListener(GatewayObservation observation, HttpServletResponse response) {
			this.observation = observation;
			this.response = response;
		}

		@Override
		public void onStartAsync(AsyncEvent event) {
			event.getAsyncContext().addListener(this);
		}

		@Override
		public void onTimeout(AsyncEvent event) {
		}

		@Override
		public void onError(AsyncEvent event) {
			Throwable throwable = event.getThrowable();
			this.error = (throwable != null) ? unwrap(throwable) : null;
		}

		@Override
		public void onComplete(AsyncEvent event) {
			Throwable error = this.error;
			if (error != null && InferredProxyObservations.isClientGone(error)) {
				stopCancelled(this.observation, this.response);
			}
			else {
				this.observation.stop(this.response.getStatus(), error);
			}
		}

	}

}
