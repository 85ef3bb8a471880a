package io.github.inferredproxy.observation;

import io.github.inferredproxy.observation.InferredProxyObservationDocumentation.HighCardinalityKeyNames;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanFilter;

/**
 * Exports the gateway span under the gateway's own service: the service named by its
 * {@code inferred_proxy.service} attribute becomes its local service name, that is its
 * OpenTelemetry resource's {@code service.name} (what OTLP backends group it under and
 * Zipkin's exporter names its local endpoint after) or Brave's local service name. Every
 * other span is left as it is.
 * <p>
 * Spring Boot applies {@link SpanFilter} beans to the spans its exporters send (its batch
 * span processor on OpenTelemetry, its span handler on Brave); spans that an application
 * exports by other means keep the application's service.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewayServiceSpanFilter implements SpanFilter {

	private static final String SERVICE = HighCardinalityKeyNames.SERVICE.asString();

	@Override
	public FinishedSpan map(FinishedSpan span) {
		// The gateway span is a server span; reading the tags copies them, so only then.
		if (span.getKind() != Span.Kind.SERVER) {
			return span;
		}
		String service = span.getTags().get(SERVICE);
		return (service != null && !service.isEmpty()) ? span.setLocalServiceName(service) : span;
	}

}
