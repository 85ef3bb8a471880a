package io.github.inferredproxy.observation;

import io.micrometer.tracing.CurrentTraceContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The gateway's request id ({@code x-dd-proxy-request-id}) in the logging MDC, under
 * {@value #KEY}, while a scope of the request's gateway or server observation is open on
 * the thread: where Micrometer Tracing puts {@code traceId} and {@code spanId}. With
 * Spring Boot's {@code logging.pattern.correlation}, for example
 * {@code [%X{traceId:-},%X{spanId:-},%X{gatewayRequestId:-}] }, the application's log
 * lines carry it, and join the gateway's access log on it.
 *
 * @author Inferred Proxy contributors
 */
public final class GatewayRequestIdMdc {

	/**
	 * The MDC key of the gateway's request id.
	 */
	public static final String KEY = "gatewayRequestId";

	private GatewayRequestIdMdc() {
	}

	/**
	 * Put the request id in the MDC for as long as a tracing scope is open.
	 * @param requestId the request id
	 * @param scope the tracing scope that Micrometer Tracing opened for the observation
	 * @return a scope that closes {@code scope}, then gives the MDC key back the value it
	 * had before, which may be another observation's on the same thread: scopes nest (the
	 * server observation's within the gateway's), and one thread serves many requests
	 */
	static CurrentTraceContext.Scope open(String requestId, CurrentTraceContext.Scope scope) {
		String previous = MDC.get(KEY);
		MDC.put(KEY, requestId);
		return new RestoringScope(scope, previous);
	}

	/**
	 * Remove the request id from the MDC: the thread's observation scopes were reset, and
	 * its tracing context with them.
	 */
	static void reset() {
		MDC.remove(KEY);
	}

	private static void restore(@Nullable String previous) {
		if (previous != null) {
			MDC.put(KEY, previous);
		}
		else {
			MDC.remove(KEY);
		}
	}

	/**
	 * Micrometer Tracing closes the tracing scope it keeps in the observation's tracing
	 * context when the observation scope closes or is reset, so that is where the MDC
	 * value is given back too, on every path that closes it.
	 */
	private static final class RestoringScope implements CurrentTraceContext.Scope {

		private final CurrentTraceContext.Scope delegate;

		private final @Nullable String previous;

		RestoringScope(CurrentTraceContext.Scope delegate, @Nullable String previous) {
			this.delegate = delegate;
			this.previous = previous;
		}

		@Override
		public void close() {
			try {
				this.delegate.close();
			}
			finally {
				restore(this.previous);
			}
		}

	}

}
