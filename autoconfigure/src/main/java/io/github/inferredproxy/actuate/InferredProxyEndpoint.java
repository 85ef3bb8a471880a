package io.github.inferredproxy.actuate;

import java.util.Map;
import java.util.function.Supplier;

import io.github.inferredproxy.actuate.InferredProxyRequestStatistics.Rejection;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code inferredproxy} actuator endpoint: whether inferred gateway spans are active
 * and, if not, why; the effective settings (a shared secret hidden); how many requests
 * with gateway headers got a gateway span and how many did not, by reason, and the last
 * rejection. Read-only; as every endpoint, exposed only when
 * {@code management.endpoints.web.exposure.include} names it.
 *
 * @author Inferred Proxy contributors
 */
@Endpoint(id = "inferredproxy")
@RegisterReflectionForBinding({ InferredProxyEndpoint.InferredProxyDescriptor.class,
		InferredProxyEndpoint.RequestsDescriptor.class, Rejection.class })
public class InferredProxyEndpoint {

	private final Supplier<@Nullable String> inactiveReason;

	private final Supplier<Map<String, @Nullable Object>> settings;

	private final InferredProxyRequestStatistics statistics;

	/**
	 * Create an endpoint.
	 * @param inactiveReason says why inferred gateway spans are not active, or returns
	 * {@code null} when they are
	 * @param settings the effective settings, without secrets
	 * @param statistics the request counts
	 */
	public InferredProxyEndpoint(Supplier<@Nullable String> inactiveReason,
			Supplier<Map<String, @Nullable Object>> settings, InferredProxyRequestStatistics statistics) {
		this.inactiveReason = inactiveReason;
		this.settings = settings;
		this.statistics = statistics;
	}

	/**
	 * Describe the state of inferred gateway spans.
	 * @return the description
	 */
	@ReadOperation
	public InferredProxyDescriptor inferredProxy() {
		String reason = this.inactiveReason.get();
		return new InferredProxyDescriptor(reason == null, reason, this.settings.get(), new RequestsDescriptor(
				this.statistics.getAccepted(), this.statistics.getRejected(), this.statistics.getLastRejection()));
	}

	/**
	 * What the endpoint shows.
	 *
	 * @param active whether requests with gateway headers get gateway spans
	 * @param inactiveReason why not, or {@code null} when active
	 * @param settings the effective {@code inferred-proxy.*} settings
	 * @param requests the request counts since start-up
	 */
	public record InferredProxyDescriptor(boolean active, @Nullable String inactiveReason,
			Map<String, @Nullable Object> settings, RequestsDescriptor requests) implements OperationResponseBody {

	}

	/**
	 * The requests with gateway headers since start-up.
	 *
	 * @param accepted how many got a gateway span
	 * @param rejected how many did not, by reason (every reason listed)
	 * @param lastRejection the last one that did not, or {@code null}
	 */
	public record RequestsDescriptor(long accepted, Map<String, Long> rejected, @Nullable Rejection lastRejection) {

	}

}
