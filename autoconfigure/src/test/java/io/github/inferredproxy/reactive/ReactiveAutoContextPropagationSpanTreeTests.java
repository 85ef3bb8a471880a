package io.github.inferredproxy.reactive;

import org.junit.jupiter.api.AfterAll;
import reactor.core.publisher.Hooks;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The span tree of {@link ReactiveSpanTreeTests} with Reactor's automatic context
 * propagation, which restores thread locals (the current observation among them) from the
 * Reactor context at every operator.
 */
@ReactiveIntegrationTest
@TestPropertySource(properties = "spring.reactor.context-propagation=auto")
@DirtiesContext
class ReactiveAutoContextPropagationSpanTreeTests extends ReactiveSpanTreeTests {

	@AfterAll
	static void restoreLimitedContextPropagation() {
		// Boot switches the global hook on and never off; the other classes expect
		// limited.
		Hooks.disableAutomaticContextPropagation();
	}

	@Override
	protected String expectedCurrentObservationAfterThreadHop() {
		return "http.server.requests < inferred.proxy.requests";
	}

}
