package io.github.inferredproxy.reactive;

import org.junit.jupiter.api.AfterAll;
import reactor.core.publisher.Hooks;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The leak checks of {@link ReactiveLeakTests} with Reactor's automatic context
 * propagation, which sets and resets thread locals around operators of its own.
 */
@TestPropertySource(properties = "spring.reactor.context-propagation=auto")
@DirtiesContext
class ReactiveAutoContextPropagationLeakTests extends ReactiveLeakTests {

	@AfterAll
	static void restoreLimitedContextPropagation() {
		// Boot switches the global hook on and never off; the other classes expect
		// limited.
		Hooks.disableAutomaticContextPropagation();
	}

}
