package io.github.inferredproxy.observation;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValue;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

/**
 * Records the gateway timers, measured from the gateway's receive time rather than from
 * the start of the observation:
 * <ul>
 * <li>{@value #REQUESTS_TIMER}: until the response was complete;</li>
 * <li>{@value #TRANSIT_TIMER}: until the application received the request.</li>
 * </ul>
 * Both are tagged with the observation's low-cardinality key values. As a
 * {@link MeterObservationHandler} ordered before Boot's default one, it replaces the
 * default timer for the gateway observation.
 *
 * @author Inferred Proxy contributors
 */
public class InferredProxyMeterObservationHandler implements MeterObservationHandler<InferredProxyContext> {

	/**
	 * Name of the timer from the gateway's receive time to the end of the response.
	 */
	public static final String REQUESTS_TIMER = "inferred.proxy.requests";

	/**
	 * Name of the timer from the gateway's receive time to the application's.
	 */
	public static final String TRANSIT_TIMER = "inferred.proxy.transit";

	private final MeterRegistry meterRegistry;

	/**
	 * Create a handler.
	 * @param meterRegistry where to record
	 */
	public InferredProxyMeterObservationHandler(MeterRegistry meterRegistry) {
		this.meterRegistry = meterRegistry;
	}

	@Override
	public void onStop(InferredProxyContext context) {
		List<Tag> tagList = new ArrayList<>();
		for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
			tagList.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
		}
		Tags tags = Tags.of(tagList);
		Timer.builder(REQUESTS_TIMER)
			.description("Requests from the gateway's receive time to the end of the response")
			.tags(tags)
			.register(this.meterRegistry)
			.record(context.nanosSinceGatewayReceipt(), TimeUnit.NANOSECONDS);
		Timer.builder(TRANSIT_TIMER)
			.description("Time from the gateway's receive time to the application's")
			.tags(tags)
			.register(this.meterRegistry)
			.record(context.getGatewayRequest().transitMillis(), TimeUnit.MILLISECONDS);
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return context instanceof InferredProxyContext;
	}

}
