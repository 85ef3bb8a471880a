package io.github.inferredproxy.observation;

import java.net.SocketException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.GatewaySystem;
import io.github.inferredproxy.gateway.HeaderLookup;
import io.github.inferredproxy.gateway.RejectionReason;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Starts gateway observations, which the returned {@link GatewayObservation} ends; the
 * part of the instrumentation that the servlet filter and the WebFlux decorator share. It
 * never throws: a problem leaves the request without a gateway span and is counted as a
 * rejection, logged at WARN the first time for each reason and at DEBUG afterwards.
 *
 * @author Inferred Proxy contributors
 */
public final class InferredProxyObservations {

	private static final Log logger = LogFactory.getLog(InferredProxyObservations.class);

	/**
	 * Simple names of the exceptions servers and Spring throw when the client is gone:
	 * Tomcat, Reactor Netty, Jetty, Spring MVC's async requests, and the JDK's.
	 */
	private static final Set<String> CLIENT_GONE_TYPES = Set.of("ClientAbortException", "AbortedException",
			"EofException", "EOFException", "AsyncRequestNotUsableException");

	/**
	 * Failures of the application's own HTTP calls, which can say "connection reset" too.
	 */
	private static final Set<String> OUTGOING_CALL_FAILURE_TYPES = Set.of(
			"org.springframework.web.client.RestClientException",
			"org.springframework.web.reactive.function.client.WebClientException");

	private static final int MAX_CAUSES = 32;

	private final ObservationRegistry registry;

	private final GatewayHeaderParser parser;

	private final @Nullable InferredProxyObservationConvention customConvention;

	private final InferredProxyObservationConvention defaultConvention;

	private final List<InferredProxyRequestListener> listeners;

	private final Set<RejectionReason> warned = EnumSet.noneOf(RejectionReason.class);

	/**
	 * Create an instance.
	 * @param registry the observation registry
	 * @param parser reads the gateway headers
	 * @param customConvention the user's convention, or {@code null} to use a global
	 * convention registered with the observation registry, else the default convention
	 * @param defaultConvention the default convention
	 * @param listeners told about every request with gateway headers, in this order
	 */
	public InferredProxyObservations(ObservationRegistry registry, GatewayHeaderParser parser,
			@Nullable InferredProxyObservationConvention customConvention,
			InferredProxyObservationConvention defaultConvention,
			List<? extends InferredProxyRequestListener> listeners) {
		this.registry = registry;
		this.parser = parser;
		this.customConvention = customConvention;
		this.defaultConvention = defaultConvention;
		this.listeners = List.copyOf(listeners);
	}

	/**
	 * Start the gateway observation of a request that the application has just received.
	 * @param headers the request headers
	 * @param remoteAddress supplies the remote IP address of the request, as a literal,
	 * or {@code null} when unknown; called only when the trust policy has trusted
	 * networks
	 * @return the started observation, or {@code null} when the request gets no gateway
	 * span
	 */
	public @Nullable GatewayObservation start(HeaderLookup headers, Supplier<@Nullable String> remoteAddress) {
		try {
			long receivedNanoTime = System.nanoTime();
			GatewayHeaderParser.Result result = this.parser.parse(headers, remoteAddress, System.currentTimeMillis());
			if (result == null) {
				return null;
			}
			if (result instanceof RejectionReason reason) {
				reject(reason, null);
				return null;
			}
			GatewayRequest request = (GatewayRequest) result;
			Observation observation = InferredProxyObservationDocumentation.GATEWAY_REQUEST.observation(
					this.customConvention, this.defaultConvention,
					() -> new InferredProxyContext(request, headers, receivedNanoTime), this.registry);
			// Switched off, for example by
			// management.observations.enable.inferred.proxy=false.
			if (observation.isNoop()) {
				return null;
			}
			observation.start();
			for (InferredProxyRequestListener listener : this.listeners) {
				try {
					listener.accepted(request);
				}
				catch (RuntimeException ex) {
					logger.debug("A request listener failed", ex);
				}
			}
			return new GatewayObservation(observation);
		}
		catch (RuntimeException ex) {
			reject(RejectionReason.INTERNAL_ERROR, ex);
			return null;
		}
	}

	/**
	 * Return whether the observation registry lets gateway observations happen: it does
	 * not when it is a no-op registry, or when a predicate switches them off (Spring
	 * Boot's {@code management.observations.enable.inferred.proxy=false}, for one).
	 * @return whether requests through the gateway can get a gateway observation
	 */
	public boolean isObservationEnabled() {
		long now = System.currentTimeMillis();
		GatewayRequest probe = GatewayRequest.builder(GatewaySystem.AWS_APIGATEWAY, now, now).build();
		// Created, never started: no handler sees it.
		return !InferredProxyObservationDocumentation.GATEWAY_REQUEST
			.observation(this.customConvention, this.defaultConvention,
					() -> new InferredProxyContext(probe, (name) -> null, System.nanoTime()), this.registry)
			.isNoop();
	}

	/**
	 * Return whether an exception says that the client went away, so that its request is
	 * cancelled rather than a server error: the server's own exception for it
	 * ({@code ClientAbortException}, {@code AbortedException}, {@code EofException},
	 * {@code AsyncRequestNotUsableException}, ...) or a "broken pipe" or "connection
	 * reset by peer" anywhere in the causes, as Spring's {@code DisconnectedClientHelper}
	 * tells, unless the causes show a call of the application's own to another service (a
	 * {@code RestClientException} or {@code WebClientException}). A plain
	 * {@code SocketException} "Connection reset" counts only as the exception itself:
	 * that is what reading the request body throws when the client reset the connection.
	 * Never throws, not even for an exception whose message does or whose causes form a
	 * cycle.
	 * @param error the exception
	 * @return whether the client went away
	 */
	public static boolean isClientGone(Throwable error) {
		try {
			if (error instanceof SocketException && "Connection reset".equals(error.getMessage())) {
				return true;
			}
			boolean gone = false;
			Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
			for (Throwable cause = error; cause != null && seen.size() < MAX_CAUSES
					&& seen.add(cause); cause = cause.getCause()) {
				if (isOutgoingCallFailure(cause.getClass())) {
					return false;
				}
				gone = gone || CLIENT_GONE_TYPES.contains(cause.getClass().getSimpleName())
						|| saysClientGone(cause.getMessage());
			}
			return gone;
		}
		catch (RuntimeException ex) {
			logger.debug("Failed to read an exception of the application", ex);
			return false;
		}
	}

	private static boolean isOutgoingCallFailure(Class<?> type) {
		for (Class<?> candidate = type; candidate != null; candidate = candidate.getSuperclass()) {
			if (OUTGOING_CALL_FAILURE_TYPES.contains(candidate.getName())) {
				return true;
			}
		}
		return false;
	}

	private static boolean saysClientGone(@Nullable String message) {
		if (message == null) {
			return false;
		}
		String text = message.toLowerCase(Locale.ROOT);
		return text.contains("broken pipe") || text.contains("connection reset by peer");
	}

	private void reject(RejectionReason reason, @Nullable Throwable ex) {
		for (InferredProxyRequestListener listener : this.listeners) {
			try {
				listener.rejected(reason);
			}
			catch (RuntimeException listenerFailure) {
				logger.debug("A request listener failed", listenerFailure);
			}
		}
		boolean firstTime;
		synchronized (this.warned) {
			firstTime = this.warned.add(reason);
		}
		if (firstTime && logger.isWarnEnabled()) {
			logger.warn("A request carried gateway headers but got no gateway span: " + reason.advice()
					+ ". This is logged once; later requests are counted in inferred.proxy.rejected{reason="
					+ reason.tagValue() + "}.", ex);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("No gateway span: " + reason.advice(), ex);
		}
	}

}
