package io.github.inferredproxy.observation;

import java.util.concurrent.atomic.AtomicBoolean;

import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.HeaderLookup;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import org.jspecify.annotations.Nullable;

/**
 * Context of the observation of one request through the gateway. It is a
 * {@link ReceiverContext} whose carrier is the request's headers, so that the gateway
 * span continues whatever trace the client or an upstream service started.
 * <p>
 * It keeps its key values as the sorted {@link KeyValues} that the convention returns
 * rather than in Micrometer's concurrent maps: the convention hands over about 30 key
 * values at once, and copying them into a map and back into a sorted copy for every
 * reader was a third of the gateway span's cost.
 *
 * @author Inferred Proxy contributors
 */
public class InferredProxyContext extends ReceiverContext<HeaderLookup> {

	private final GatewayRequest gatewayRequest;

	private final long receivedNanoTime;

	private @Nullable Integer statusCode;

	private boolean cancelled;

	private volatile @Nullable String applicationRoute;

	private final AtomicBoolean stopped = new AtomicBoolean();

	private final KeyValueSet lowCardinalityKeyValues = new KeyValueSet();

	private final KeyValueSet highCardinalityKeyValues = new KeyValueSet();

	/**
	 * Create a context.
	 * @param gatewayRequest what the gateway headers said
	 * @param headers the request headers, read to extract an upstream trace context
	 * @param receivedNanoTime {@link System#nanoTime()} when the application received the
	 * request
	 */
	public InferredProxyContext(GatewayRequest gatewayRequest, HeaderLookup headers, long receivedNanoTime) {
		super((carrier, key) -> carrier.firstValue(key), Kind.SERVER);
		setCarrier(headers);
		// Micrometer applies a convention's contextual name only when the observation
		// stops; the span must be named from the start, for samplers and span processors.
		setContextualName(gatewayRequest.system().spanName());
		this.gatewayRequest = gatewayRequest;
		this.receivedNanoTime = receivedNanoTime;
	}

	/**
	 * Return what the gateway headers said.
	 * @return the gateway request
	 */
	public GatewayRequest getGatewayRequest() {
		return this.gatewayRequest;
	}

	/**
	 * Return the time from the gateway's receipt of the request until now.
	 * @return the duration in nanoseconds
	 */
	public long nanosSinceGatewayReceipt() {
		return this.gatewayRequest.transitMillis() * 1_000_000L + (System.nanoTime() - this.receivedNanoTime);
	}

	/**
	 * Return the final response status.
	 * @return the status, or {@code null} when it is not known (yet)
	 */
	public @Nullable Integer getStatusCode() {
		return this.statusCode;
	}

	/**
	 * Set the final response status.
	 * @param statusCode the status, or {@code null} when unknown
	 */
	public void setStatusCode(@Nullable Integer statusCode) {
		this.statusCode = statusCode;
	}

	/**
	 * Mark the observation as stopped; the gateway observation may be told its request
	 * ended more than once (async timeout then completion, cancel then error).
	 * @return whether this was the first call
	 */
	boolean markStopped() {
		return this.stopped.compareAndSet(false, true);
	}

	/**
	 * Return whether the response is complete and the observation is being stopped: only
	 * then are the key values read (by the span and the meters).
	 * @return whether the observation is stopping
	 */
	public boolean isResponseComplete() {
		return this.stopped.get();
	}

	/**
	 * Return whether the client went away before the response was complete.
	 * @return whether the request was cancelled
	 */
	public boolean isCancelled() {
		return this.cancelled;
	}

	/**
	 * Set whether the client went away before the response was complete.
	 * @param cancelled whether the request was cancelled
	 */
	public void setCancelled(boolean cancelled) {
		this.cancelled = cancelled;
	}

	/**
	 * Return the route template that the application matched for the request, as its
	 * server observation reports it ({@code uri}), known once that observation has
	 * stopped.
	 * @return the route, or {@code null} when none matched (a 404) or it is not known
	 */
	public @Nullable String getApplicationRoute() {
		return this.applicationRoute;
	}

	void setApplicationRoute(@Nullable String applicationRoute) {
		this.applicationRoute = applicationRoute;
	}

	/**
	 * Return the route of the request: the resource path header when it names one route
	 * (an HTTP API route key's method left out), else, for a greedy resource
	 * ({@code /{proxy+}}, any {@code {name+}} segment, {@code $default}) or none, the
	 * route the application matched. Never the raw path.
	 * @return the route, or {@code null} when neither is known
	 */
	public @Nullable String getRoute() {
		String header = this.gatewayRequest.resourcePath();
		if (header != null) {
			int space = header.indexOf(' ');
			// An HTTP API route key, "GET /pets/{id}".
			String route = (space > 0 && header.charAt(0) != '/') ? header.substring(space + 1).strip() : header;
			if (!route.isEmpty() && !route.contains("+}") && !route.equals("$default")) {
				return route;
			}
		}
		return this.applicationRoute;
	}

	@Override
	public InferredProxyContext addLowCardinalityKeyValue(KeyValue keyValue) {
		this.lowCardinalityKeyValues.add(KeyValues.of(keyValue));
		return this;
	}

	@Override
	public InferredProxyContext addLowCardinalityKeyValues(KeyValues keyValues) {
		this.lowCardinalityKeyValues.add(keyValues);
		return this;
	}

	@Override
	public InferredProxyContext removeLowCardinalityKeyValue(String keyName) {
		this.lowCardinalityKeyValues.remove(keyName);
		return this;
	}

	@Override
	public InferredProxyContext removeLowCardinalityKeyValues(String... keyNames) {
		for (String keyName : keyNames) {
			this.lowCardinalityKeyValues.remove(keyName);
		}
		return this;
	}

	@Override
	public KeyValues getLowCardinalityKeyValues() {
		return this.lowCardinalityKeyValues.get();
	}

	@Override
	public @Nullable KeyValue getLowCardinalityKeyValue(String key) {
		return this.lowCardinalityKeyValues.get(key);
	}

	@Override
	public InferredProxyContext addHighCardinalityKeyValue(KeyValue keyValue) {
		this.highCardinalityKeyValues.add(KeyValues.of(keyValue));
		return this;
	}

	@Override
	public InferredProxyContext addHighCardinalityKeyValues(KeyValues keyValues) {
		this.highCardinalityKeyValues.add(keyValues);
		return this;
	}

	@Override
	public InferredProxyContext removeHighCardinalityKeyValue(String keyName) {
		this.highCardinalityKeyValues.remove(keyName);
		return this;
	}

	@Override
	public InferredProxyContext removeHighCardinalityKeyValues(String... keyNames) {
		for (String keyName : keyNames) {
			this.highCardinalityKeyValues.remove(keyName);
		}
		return this;
	}

	@Override
	public KeyValues getHighCardinalityKeyValues() {
		return this.highCardinalityKeyValues.get();
	}

	@Override
	public @Nullable KeyValue getHighCardinalityKeyValue(String key) {
		return this.highCardinalityKeyValues.get(key);
	}

	@Override
	public KeyValues getAllKeyValues() {
		return this.lowCardinalityKeyValues.get().and(this.highCardinalityKeyValues.get());
	}

	/**
	 * Key values with unique keys, sorted, as Micrometer's context exposes them. Adding
	 * to an empty set keeps the given instance, which is already sorted.
	 */
	private static final class KeyValueSet {

		private volatile KeyValues keyValues = KeyValues.empty();

		synchronized void add(KeyValues added) {
			KeyValues current = this.keyValues;
			this.keyValues = current.iterator().hasNext() ? current.and(added) : added;
		}

		synchronized void remove(String key) {
			if (get(key) != null) {
				this.keyValues = KeyValues
					.of(this.keyValues.stream().filter((keyValue) -> !keyValue.getKey().equals(key)).toList());
			}
		}

		KeyValues get() {
			return this.keyValues;
		}

		@Nullable KeyValue get(String key) {
			for (KeyValue keyValue : this.keyValues) {
				if (keyValue.getKey().equals(key)) {
					return keyValue;
				}
			}
			return null;
		}

	}

}
