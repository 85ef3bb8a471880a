package io.github.inferredproxy.reactive;

import org.junit.jupiter.api.AfterAll;
import reactor.core.publisher.Hooks;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The correlation of {@link ReactiveCorrelationTests} with Reactor's automatic context
 * propagation, which restores the request's observation at every operator, after thread
 * hops too: the gateway request id follows it into the MDC, as the trace id does.
 */
@TestPropertySource(properties = "spring.reactor.context-propagation=auto")
@DirtiesContext
class ReactiveAutoContextPropagationCorrelationTests extends ReactiveCorrelationTests {

	@AfterAll
	static void restoreLimitedContextPropagation() {
		// Boot switches the global hook on and never off; the other classes expect
		// limited.
		Hooks.disableAutomaticContextPropagation();
	}

	@Override
	protected boolean restoredAfterThreadHop() {
		return true;
	}

}
