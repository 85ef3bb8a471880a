package io.github.inferredproxy.observation;

import io.github.inferredproxy.gateway.GatewayRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Which service the gateway span belongs to, so that the gateway is a node of its own in
 * a service map: the gateway's domain, a fixed name, or the application's service.
 * <p>
 * The default convention writes the chosen name as the span attribute
 * {@code inferred_proxy.service} (and as Datadog's {@code service.name});
 * {@link GatewayServiceSpanFilter} then exports the gateway span under it.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewayServiceName {

	private static final GatewayServiceName DOMAIN = new GatewayServiceName(null, true);

	private static final GatewayServiceName APPLICATION = new GatewayServiceName(null, false);

	private final @Nullable String fixedName;

	private final boolean domain;

	private GatewayServiceName(@Nullable String fixedName, boolean domain) {
		this.fixedName = fixedName;
		this.domain = domain;
	}

	/**
	 * The gateway's domain ({@code x-dd-proxy-domain-name}), else the span name of the
	 * gateway ({@code aws.apigateway}, ...): what Datadog shows for the gateway.
	 * @return the naming
	 */
	public static GatewayServiceName domain() {
		return DOMAIN;
	}

	/**
	 * The application's own service: the gateway span is exported as every other span.
	 * @return the naming
	 */
	public static GatewayServiceName application() {
		return APPLICATION;
	}

	/**
	 * The same name for every gateway, for example to group the stages or domains of one
	 * API.
	 * @param name the service name, not blank
	 * @return the naming
	 * @throws IllegalArgumentException when the name is blank
	 */
	public static GatewayServiceName fixed(String name) {
		Assert.hasText(name, "The gateway service name must not be blank");
		return new GatewayServiceName(name.strip(), false);
	}

	/**
	 * Return the service of a request's gateway span.
	 * @param request the request
	 * @return the service name, or {@code null} when the span keeps the application's
	 * service
	 */
	public @Nullable String of(GatewayRequest request) {
		if (this.domain) {
			return (request.domain() != null) ? request.domain() : request.system().spanName();
		}
		return this.fixedName;
	}

	@Override
	public String toString() {
		return this.domain ? "domain" : (this.fixedName != null) ? "fixed(" + this.fixedName + ")" : "application";
	}

}
