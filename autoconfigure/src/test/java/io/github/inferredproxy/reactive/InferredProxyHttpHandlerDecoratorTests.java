package io.github.inferredproxy.reactive;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.observation.DefaultInferredProxyObservationConvention;
import io.github.inferredproxy.observation.InferredProxyContext;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Unit tests for {@link InferredProxyHttpHandlerDecorator}: what it does with the gateway
 * observation for each way an exchange can end, without a server. The Reactor Netty tests
 * show the same against Spring's server observation.
 */
class InferredProxyHttpHandlerDecoratorTests {

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final InferredProxyObservations observations = new InferredProxyObservations(this.registry,
			new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false, TrustPolicy.none()), null,
			new DefaultInferredProxyObservationConvention(), List.of());

	private final MockServerHttpResponse response = new MockServerHttpResponse();

	@Test
	void exchangeWithoutGatewayHeadersIsHandedOnUnobserved() {
		AtomicReference<Observation> current = new AtomicReference<>();
		HttpHandler handler = (request, response) -> Mono
			.fromRunnable(() -> current.set(this.registry.getCurrentObservation()));
		StepVerifier.create(decorate(handler).handle(MockServerHttpRequest.get("/orders/1").build(), this.response))
			.verifyComplete();
		assertThat(current.get()).isNull();
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	@Test
	void gatewayObservationIsTheCurrentOneAndInTheReactorContextWhileTheHandlerIsSubscribedTo() {
		AtomicReference<Observation> current = new AtomicReference<>();
		AtomicReference<Object> inContext = new AtomicReference<>();
		HttpHandler handler = (exchangeRequest, exchangeResponse) -> {
			// Where Spring's adapter creates its server observation.
			current.set(this.registry.getCurrentObservation());
			return Mono.deferContextual((context) -> {
				inContext.set(context.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
				exchangeResponse.setStatusCode(HttpStatus.CREATED);
				return exchangeResponse.setComplete();
			});
		};
		StepVerifier.create(decorate(handler).handle(gatewayRequest(), this.response)).verifyComplete();
		assertThat(current.get()).isNotNull();
		assertThat(current.get().getContext()).isInstanceOf(InferredProxyContext.class);
		assertThat(inContext.get()).isSameAs(current.get());
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "201")
			.doesNotHaveError();
		assertThat(this.registry.getCurrentObservation()).as("scope closed").isNull();
	}

	/**
	 * In Reactor's automatic context propagation mode, {@code contextWrite} and
	 * {@code Mono.from} of a plain publisher each restore the thread locals, and so open
	 * the gateway scope again, on every signal that passes them: the decorator opens it
	 * once, around the subscription, and adds no such step.
	 */
	@Test
	void withAutomaticContextPropagationTheGatewayScopeIsOpenedOnlyAroundTheSubscription() {
		AtomicInteger scopesOpened = new AtomicInteger();
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return context instanceof InferredProxyContext;
			}

			@Override
			public void onScopeOpened(Observation.Context context) {
				scopesOpened.incrementAndGet();
			}

		});
		ObservationThreadLocalAccessor accessor = ObservationThreadLocalAccessor.getInstance();
		ObservationRegistry previous = accessor.getObservationRegistry();
		accessor.setObservationRegistry(this.registry);
		Hooks.enableAutomaticContextPropagation();
		try {
			// Reactor's own operators only: nothing in the handler restores thread
			// locals.
			HttpHandler handler = (request, exchangeResponse) -> Mono
				.fromRunnable(() -> exchangeResponse.setStatusCode(HttpStatus.OK));
			StepVerifier.create(decorate(handler).handle(gatewayRequest(), this.response)).verifyComplete();
		}
		finally {
			Hooks.disableAutomaticContextPropagation();
			accessor.setObservationRegistry(previous);
		}
		assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
		assertThat(scopesOpened).hasValue(1);
	}

	@Test
	void aResponseThatCannotBeReadWhenTheExchangeCompletesLeavesTheExchangeCompleteAndTheObservationStopped() {
		RecyclableResponse response = new RecyclableResponse();
		HttpHandler handler = (request, exchangeResponse) -> Mono.fromRunnable(response::recycle);
		StepVerifier.create(decorate(handler).handle(gatewayRequest(), response)).verifyComplete();
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "UNKNOWN");
	}

	@Test
	void completionWithoutAStatusIsA200() {
		StepVerifier.create(decorate((request, response) -> Mono.empty()).handle(gatewayRequest(), this.response))
			.verifyComplete();
		assertThat(this.registry).hasSingleObservationThat().hasLowCardinalityKeyValue("status", "200");
	}

	@Test
	void errorBeforeTheResponseWasCommittedIsA500Error() {
		IllegalStateException failure = new IllegalStateException("boom");
		StepVerifier
			.create(decorate((request, response) -> Mono.error(failure)).handle(gatewayRequest(), this.response))
			.verifyErrorMatches((ex) -> ex == failure);
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "500")
			.hasError(failure);
	}

	@Test
	void errorAfterTheResponseWasCommittedKeepsTheSentStatus() {
		IllegalStateException failure = new IllegalStateException("stream broke");
		HttpHandler handler = (request, response) -> {
			response.setStatusCode(HttpStatus.OK);
			return response.setComplete().then(Mono.error(failure));
		};
		StepVerifier.create(decorate(handler).handle(gatewayRequest(), this.response)).verifyError();
		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("status", "200")
			.hasError(failure);
	}

	@Test
	void cancelBeforeAnythingWasSentIsCancelledWithoutStatus() {
		HttpHandler handler = (request, response) -> {
			response.setStatusCode(HttpStatus.OK);
			return Mono.never();
		};
		StepVerifier.create(decorate(handler).handle(gatewayRequest(), this.response))
			.expectSubscription()
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "UNKNOWN")
			.hasLowCardinalityKeyValue("outcome", "UNKNOWN")
			.doesNotHaveError();
	}

	@Test
	void clientGoneErrorIsACancellationNotAnError() {
		HttpHandler handler = (request, response) -> Mono.error(new AbortedException("Connection has been closed"));
		StepVerifier.create(decorate(handler).handle(gatewayRequest(), this.response)).verifyError();
		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("outcome", "UNKNOWN")
			.doesNotHaveError();
	}

	@Test
	void completionIsObservedBeforeTheServerAdapterRecyclesTheResponse() {
		// A servlet container (Jetty) may recycle the response as soon as the server
		// adapter completes the async request: its status can no longer be read after.
		RecyclableResponse response = new RecyclableResponse();
		HttpHandler handler = (request, exchangeResponse) -> {
			exchangeResponse.setStatusCode(HttpStatus.ACCEPTED);
			return exchangeResponse.setComplete();
		};
		StepVerifier
			.create(decorate(handler).handle(gatewayRequest(), response).doOnSuccess((done) -> response.recycle()))
			.verifyComplete();
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "202")
			.doesNotHaveError();
	}

	@Test
	void cancelAfterTheResponseWasRecycledIsCancelledWithoutStatus() {
		RecyclableResponse response = new RecyclableResponse();
		response.recycle();
		StepVerifier.create(decorate((request, exchangeResponse) -> Mono.never()).handle(gatewayRequest(), response))
			.expectSubscription()
			.thenCancel()
			.verify(Duration.ofSeconds(5));
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "UNKNOWN");
	}

	private HttpHandler decorate(HttpHandler handler) {
		return new InferredProxyHttpHandlerDecorator(handler, this.observations);
	}

	private static MockServerHttpRequest gatewayRequest() {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/orders/1");
		GatewayHeaders.restApi(System.currentTimeMillis() - 20).forEach(request::header);
		return request.build();
	}

	/**
	 * A response that, like Jetty's once its async request completed, can no longer be
	 * read.
	 */
	static class RecyclableResponse extends MockServerHttpResponse {

		private volatile boolean recycled;

		void recycle() {
			this.recycled = true;
		}

		@Override
		public HttpStatusCode getStatusCode() {
			if (this.recycled) {
				throw new IllegalStateException("Response does not exist (likely recycled)");
			}
			return super.getStatusCode();
		}

	}

	/**
	 * Named as Reactor Netty's, which is how the decorator tells a client that went away.
	 */
	static class AbortedException extends RuntimeException {

		AbortedException(String message) {
			super(message);
		}

	}

}
