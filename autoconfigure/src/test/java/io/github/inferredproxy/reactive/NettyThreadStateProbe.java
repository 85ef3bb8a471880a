package io.github.inferredproxy.reactive;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import io.github.inferredproxy.testsupport.ThreadState;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;

/**
 * Outermost, even outside the gateway decorator: checks the thread state of a Reactor
 * Netty event loop when a request arrives and when its synchronous subscription returns.
 * Part of the shared test application, so that the leak checks need no context of their
 * own; {@link #reset()} before a check keeps the findings of other tests out of it.
 */
@TestConfiguration(proxyBeanMethods = false)
class NettyThreadStateProbe {

	final List<String> violations = new CopyOnWriteArrayList<>();

	final Set<String> requestThreads = ConcurrentHashMap.newKeySet();

	volatile boolean outermost;

	// Same order as the gateway decorator; registered first, so sorted first.
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	HttpHandlerDecoratorFactory threadStateProbeDecorator(ObservationRegistry observationRegistry, Tracer tracer) {
		return (delegate) -> {
			this.outermost = delegate instanceof InferredProxyHttpHandlerDecorator;
			return probing(delegate, (label) -> check(label, observationRegistry, tracer));
		};
	}

	void reset() {
		this.violations.clear();
		this.requestThreads.clear();
	}

	private HttpHandler probing(HttpHandler delegate, Function<String, List<String>> check) {
		return (request, response) -> Mono.from((subscriber) -> {
			this.requestThreads.add(Thread.currentThread().getName());
			this.violations.addAll(check.apply("request start"));
			delegate.handle(request, response).subscribe(subscriber);
			this.violations.addAll(check.apply("after subscribe"));
		});
	}

	static List<String> check(String label, ObservationRegistry observationRegistry, Tracer tracer) {
		String where = label + " on " + Thread.currentThread().getName() + ": ";
		return ThreadState.leftovers(observationRegistry, tracer).stream().map((found) -> where + found).toList();
	}

}
