package io.github.inferredproxy.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} for the gateway observation. Define a bean of this type
 * to change the name, tags or span attributes.
 *
 * @author Inferred Proxy contributors
 */
public interface InferredProxyObservationConvention extends ObservationConvention<InferredProxyContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof InferredProxyContext;
	}

}
