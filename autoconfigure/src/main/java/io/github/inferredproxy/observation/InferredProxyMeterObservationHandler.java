package io.github.inferredproxy.observation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Records the gateway timers, measured from the gateway's receive time rather than from
 * the start of the observation:
 * <ul>
 * <li>{@value #REQUESTS_TIMER}: until the response was complete;</li>
 * <li>{@value #TRANSIT_TIMER}: until the application received the request, not recorded
 * when the gateway's time was known to the second only (an HTTP API's).</li>
 * </ul>
 * Both are tagged with the observation's low-cardinality key values. As a
 * {@link MeterObservationHandler} ordered before Boot's default one, it replaces the
 * default timer for the gateway observation.
 * <p>
 * The tags come partly from request headers, so a client that forges them could create a
 * time series per request. Each timer therefore has at most {@code maxTagSets} tag sets
 * as the headers say; a sample with a new tag set beyond those is recorded with
 * {@value #OVERFLOW} as its {@code route} and {@code stage}, in at most
 * {@code maxTagSets} more tag sets (with the default convention, their other tags take
 * few values: gateway, standard method, status, outcome), and dropped beyond that. Each
 * limit is logged once, at WARN.
 *
 * @author Inferred Proxy contributors
 */
public class InferredProxyMeterObservationHandler implements MeterObservationHandler<InferredProxyContext> {

	/**
	 * Name of the timer from the gateway's receive time to the end of the response, with
	 * the default convention: the timer is named after the observation.
	 */
	public static final String REQUESTS_TIMER = DefaultInferredProxyObservationConvention.DEFAULT_NAME;

	/**
	 * Name of the timer from the gateway's receive time to the application's, with the
	 * default convention: see {@link #transitTimerName(String)}.
	 */
	public static final String TRANSIT_TIMER = "inferred.proxy.transit";

	private static final String REQUESTS_SUFFIX = ".requests";

	/**
	 * The {@code route} and {@code stage} of samples beyond the maximum number of tag
	 * sets.
	 */
	public static final String OVERFLOW = "OTHER";

	/**
	 * The default maximum number of tag sets.
	 */
	public static final int DEFAULT_MAX_TAG_SETS = 1000;

	private static final Log logger = LogFactory.getLog(InferredProxyMeterObservationHandler.class);

	private static final String ROUTE = LowCardinalityKeyNames.ROUTE.asString();

	private static final String STAGE = LowCardinalityKeyNames.STAGE.asString();

	private final MeterRegistry meterRegistry;

	private final TagSets tagSets;

	private final TagSets overflowTagSets;

	/**
	 * Create a handler with {@value #DEFAULT_MAX_TAG_SETS} tag sets at most.
	 * @param meterRegistry where to record
	 */
	public InferredProxyMeterObservationHandler(MeterRegistry meterRegistry) {
		this(meterRegistry, DEFAULT_MAX_TAG_SETS);
	}

	/**
	 * Create a handler.
	 * @param meterRegistry where to record
	 * @param maxTagSets the maximum number of tag sets of each timer as the headers say,
	 * and of tag sets with {@value #OVERFLOW} route and stage beyond those
	 * @throws IllegalArgumentException when {@code maxTagSets} is less than 1
	 */
	public InferredProxyMeterObservationHandler(MeterRegistry meterRegistry, int maxTagSets) {
		if (maxTagSets < 1) {
			throw new IllegalArgumentException("maxTagSets must be 1 or more: " + maxTagSets);
		}
		this.meterRegistry = meterRegistry;
		this.tagSets = new TagSets(maxTagSets,
				"samples with a new tag set are recorded with route and stage '" + OVERFLOW + "'");
		this.overflowTagSets = new TagSets(maxTagSets, "samples with a new tag set are not recorded");
	}

	@Override
	public void onStop(InferredProxyContext context) {
		try {
			// Named by the convention when the observation was created.
			String name = context.getName();
			Timers timers = timers(TimerKey.of((name != null) ? name : REQUESTS_TIMER, context));
			if (timers != null) {
				timers.requests().record(context.nanosSinceGatewayReceipt(), TimeUnit.NANOSECONDS);
				// A time known to the second only would add up to 999 ms to the transit.
				if (!context.getGatewayRequest().secondPrecision()) {
					timers.transit().record(context.getGatewayRequest().transitMillis(), TimeUnit.MILLISECONDS);
				}
			}
		}
		catch (RuntimeException ex) {
			// A registry or meter filter that rejects the tags must not keep the other
			// handlers, the span's among them, from running.
			logger.debug("Failed to record the gateway timers", ex);
		}
	}

	private @Nullable Timers timers(TimerKey key) {
		Timers timers = this.tagSets.get(key, this::register);
		if (timers != null) {
			return timers;
		}
		return this.overflowTagSets.get(key.overflow(), this::register);
	}

	/**
	 * Return the name of the transit timer of an observation: {@code <prefix>.transit}
	 * for an observation named {@code <prefix>.requests}, else {@code <name>.transit}. So
	 * a convention that renames the observation renames both timers:
	 * {@code inferred.proxy.requests} gives {@value #TRANSIT_TIMER}, {@code gateway}
	 * gives {@code gateway.transit}.
	 * @param observationName the name of the gateway observation, which is also the name
	 * of its requests timer
	 * @return the name of its transit timer
	 */
	public static String transitTimerName(String observationName) {
		String prefix = observationName.endsWith(REQUESTS_SUFFIX)
				? observationName.substring(0, observationName.length() - REQUESTS_SUFFIX.length()) : observationName;
		return prefix + ".transit";
	}

	private Timers register(TimerKey key) {
		Tags tags = key.tags();
		return new Timers(
				Timer.builder(key.name)
					.description("Requests from the gateway's receive time to the end of the response")
					.tags(tags)
					.register(this.meterRegistry),
				Timer.builder(transitTimerName(key.name))
					.description("Time from the gateway's receive time to the application's")
					.tags(tags)
					.register(this.meterRegistry));
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof InferredProxyContext;
	}

	private record Timers(Timer requests, Timer transit) {

	}

	/**
	 * The requests timer's name and the tags of both timers, as the low-cardinality key
	 * values' keys and values in turn, in key order. Strings, not {@link Tags}: a request
	 * whose timers exist (almost every one) is looked up without building and sorting
	 * tags; they are built once per tag set, when its timers are registered.
	 */
	private static final class TimerKey {

		private final String name;

		private final String[] keysAndValues;

		private final int hash;

		private TimerKey(String name, String[] keysAndValues) {
			this.name = name;
			this.keysAndValues = keysAndValues;
			this.hash = 31 * name.hashCode() + Arrays.hashCode(keysAndValues);
		}

		static TimerKey of(String name, InferredProxyContext context) {
			List<String> keysAndValues = new ArrayList<>(12);
			// KeyValues iterate in key order, each key once, as Tags would sort them.
			for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
				keysAndValues.add(keyValue.getKey());
				keysAndValues.add(keyValue.getValue());
			}
			return new TimerKey(name, keysAndValues.toArray(new String[0]));
		}

		/**
		 * Return the key of the same timers with
		 * {@value InferredProxyMeterObservationHandler#OVERFLOW} as route and stage.
		 * @return the overflow key
		 */
		TimerKey overflow() {
			String[] replaced = this.keysAndValues.clone();
			for (int i = 0; i < replaced.length; i += 2) {
				if (replaced[i].equals(ROUTE) || replaced[i].equals(STAGE)) {
					replaced[i + 1] = OVERFLOW;
				}
			}
			return new TimerKey(this.name, replaced);
		}

		Tags tags() {
			return Tags.of(this.keysAndValues);
		}

		@Override
		public boolean equals(@Nullable Object other) {
			return this == other || (other instanceof TimerKey key && this.hash == key.hash
					&& this.name.equals(key.name) && Arrays.equals(this.keysAndValues, key.keysAndValues));
		}

		@Override
		public int hashCode() {
			return this.hash;
		}

	}

	/**
	 * The timers of at most a given number of tag sets, registered once each: looking
	 * them up here is also cheaper than asking the registry on every request.
	 */
	private static final class TagSets {

		private final Map<TimerKey, Timers> timers = new ConcurrentHashMap<>();

		private final AtomicInteger size = new AtomicInteger();

		private final AtomicBoolean warned = new AtomicBoolean();

		private final int maximum;

		private final String consequence;

		TagSets(int maximum, String consequence) {
			this.maximum = maximum;
			this.consequence = consequence;
		}

		@Nullable Timers get(TimerKey key, Function<TimerKey, Timers> register) {
			Timers timers = this.timers.get(key);
			if (timers != null) {
				return timers;
			}
			// A null result adds nothing, so the maximum holds under concurrency too.
			return this.timers.computeIfAbsent(key, (absent) -> (this.size.incrementAndGet() <= this.maximum)
					? registerOrGiveBack(absent, register) : full(absent.name));
		}

		private Timers registerOrGiveBack(TimerKey key, Function<TimerKey, Timers> register) {
			try {
				return register.apply(key);
			}
			catch (RuntimeException ex) {
				this.size.decrementAndGet();
				throw ex;
			}
		}

		private @Nullable Timers full(String name) {
			this.size.decrementAndGet();
			if (this.warned.compareAndSet(false, true)) {
				logger.warn("Reached the maximum number (" + this.maximum + ") of tag sets of the " + name + " and "
						+ transitTimerName(name) + " timers: " + this.consequence
						+ ". Are gateway headers forged, or is inferred-proxy.max-tag-sets too low?");
			}
			return null;
		}

	}

}
