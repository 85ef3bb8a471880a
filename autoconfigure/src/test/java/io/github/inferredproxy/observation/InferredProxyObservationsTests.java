package io.github.inferredproxy.observation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.HeaderLookup;
import io.github.inferredproxy.gateway.RejectionReason;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RequestListeners;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyObservations}.
 */
@ExtendWith(OutputCaptureExtension.class)
class InferredProxyObservationsTests {

	private static final String WARN_MARKER = "This is logged once";

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final List<RejectionReason> rejections = new ArrayList<>();

	private final InferredProxyObservations observations = new InferredProxyObservations(this.registry, parser(), null,
			new DefaultInferredProxyObservationConvention(), List.of(RequestListeners.rejectionsInto(this.rejections)));

	@Test
	void startsAGatewayObservationForGatewayHeaders() {
		GatewayObservation observation = this.observations
			.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 100)), () -> null);
		assertThat(observation).isNotNull();
		assertThat(observation.getObservation().getContext()).isInstanceOf(InferredProxyContext.class);
		assertThat(observation.getObservation().getContext().getName()).isEqualTo("inferred.proxy.requests");
		// Named from the start, so that samplers and span processors see the span name.
		assertThat(observation.getObservation().getContext().getContextualName()).isEqualTo("aws.apigateway");
		observation.stop(200, null);
		assertThat(this.registry).hasSingleObservationThat()
			.hasNameEqualTo("inferred.proxy.requests")
			.hasContextualNameEqualTo("aws.apigateway")
			.hasBeenStarted()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "200")
			.hasLowCardinalityKeyValue("outcome", "SUCCESS");
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void requestWithoutGatewayHeadersIsNeitherObservedNorCounted(CapturedOutput output) {
		assertThat(this.observations.start((name) -> null, () -> null)).isNull();
		assertThat(this.registry).doesNotHaveAnyObservation();
		assertThat(this.rejections).isEmpty();
		assertThat(output).doesNotContain(WARN_MARKER);
	}

	@Test
	void rejectedRequestIsCountedWithItsReason() {
		Map<String, String> headers = GatewayHeaders.restApi(now());
		headers.remove("x-dd-proxy-request-time-ms");
		assertThat(this.observations.start(GatewayHeaders.lookup(headers), () -> null)).isNull();
		headers.put("x-dd-proxy", "kong");
		assertThat(this.observations.start(GatewayHeaders.lookup(headers), () -> null)).isNull();
		assertThat(this.rejections).containsExactly(RejectionReason.MISSING_REQUEST_TIME,
				RejectionReason.UNSUPPORTED_SYSTEM);
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	@Test
	void oneWarningPerReasonNotPerRequest(CapturedOutput output) {
		Map<String, String> missingTime = GatewayHeaders.restApi(now());
		missingTime.remove("x-dd-proxy-request-time-ms");
		Map<String, String> tooOld = GatewayHeaders.restApi(now() - Duration.ofHours(1).toMillis());
		for (int i = 0; i < 5; i++) {
			this.observations.start(GatewayHeaders.lookup(missingTime), () -> null);
			this.observations.start(GatewayHeaders.lookup(tooOld), () -> null);
		}
		assertThat(this.rejections).hasSize(10);
		assertThat(countOccurrences(output.getOut() + output.getErr(), WARN_MARKER)).isEqualTo(2);
		assertThat(output).contains("WARN")
			.contains(RejectionReason.MISSING_REQUEST_TIME.advice())
			.contains(RejectionReason.REQUEST_TIME_TOO_OLD.advice())
			.contains("reason=missing-request-time")
			.contains("reason=request-time-too-old");
	}

	@Test
	void warningsAreCountedPerInstance(CapturedOutput output) {
		Map<String, String> missingTime = GatewayHeaders.restApi(now());
		missingTime.remove("x-dd-proxy-request-time-ms");
		this.observations.start(GatewayHeaders.lookup(missingTime), () -> null);
		new InferredProxyObservations(this.registry, parser(), null, new DefaultInferredProxyObservationConvention(),
				List.of())
			.start(GatewayHeaders.lookup(missingTime), () -> null);
		assertThat(countOccurrences(output.getOut() + output.getErr(), WARN_MARKER)).isEqualTo(2);
	}

	@Test
	void untrustedRequestIsCountedAndWarnedAboutOnceWithoutTheSecret(CapturedOutput output) {
		InferredProxyObservations trusting = new InferredProxyObservations(this.registry,
				new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false,
						TrustPolicy.none().withSharedSecret("the-real-secret").withNetwork("10.0.0.0/8")),
				null, new DefaultInferredProxyObservationConvention(),
				List.of(RequestListeners.rejectionsInto(this.rejections)));
		Map<String, String> headers = GatewayHeaders.restApi(now() - 10);
		headers.put("x-dd-proxy-secret", "a-guessed-secret");
		assertThat(trusting.start(GatewayHeaders.lookup(headers), () -> "10.0.0.1")).isNull();
		headers.put("x-dd-proxy-secret", "the-real-secret");
		assertThat(trusting.start(GatewayHeaders.lookup(headers), () -> "192.0.2.1")).isNull();
		// Without a remote address a network policy cannot hold.
		assertThat(trusting.start(GatewayHeaders.lookup(headers), () -> null)).isNull();
		assertThat(this.rejections).containsExactly(RejectionReason.UNTRUSTED, RejectionReason.UNTRUSTED,
				RejectionReason.UNTRUSTED);
		assertThat(this.registry).doesNotHaveAnyObservation();
		String log = output.getOut() + output.getErr();
		assertThat(countOccurrences(log, WARN_MARKER)).isEqualTo(1);
		assertThat(log).contains("reason=untrusted").doesNotContain("the-real-secret", "a-guessed-secret");
		GatewayObservation observation = trusting.start(GatewayHeaders.lookup(headers), () -> "10.0.0.1");
		assertThat(observation).isNotNull();
		observation.stop(200, null);
		assertThat(this.rejections).hasSize(3);
	}

	@Test
	void failingHeaderLookupIsCountedAsInternalErrorAndNeverThrows(CapturedOutput output) {
		HeaderLookup failing = (name) -> {
			throw new IllegalStateException("request already recycled");
		};
		assertThat(this.observations.start(failing, () -> null)).isNull();
		assertThat(this.rejections).containsExactly(RejectionReason.INTERNAL_ERROR);
		assertThat(output).contains(RejectionReason.INTERNAL_ERROR.advice()).contains("request already recycled");
	}

	@Test
	void failingObservationHandlerIsCountedAsInternalErrorAndNeverThrows() {
		ObservationRegistry failingRegistry = ObservationRegistry.create();
		failingRegistry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStart(Observation.Context context) {
				throw new IllegalStateException("tracer is broken");
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		InferredProxyObservations failing = new InferredProxyObservations(failingRegistry, parser(), null,
				new DefaultInferredProxyObservationConvention(),
				List.of(RequestListeners.rejectionsInto(this.rejections)));
		assertThat(failing.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null)).isNull();
		assertThat(this.rejections).containsExactly(RejectionReason.INTERNAL_ERROR);
	}

	@Test
	void failingConventionIsCountedAsInternalErrorAndNeverThrows() {
		InferredProxyObservationConvention failingConvention = new DefaultInferredProxyObservationConvention() {

			@Override
			public KeyValues getLowCardinalityKeyValues(InferredProxyContext context) {
				throw new IllegalStateException("bad convention");
			}

		};
		InferredProxyObservations failing = new InferredProxyObservations(this.registry, parser(), failingConvention,
				new DefaultInferredProxyObservationConvention(),
				List.of(RequestListeners.rejectionsInto(this.rejections)));
		assertThat(failing.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null)).isNull();
		assertThat(this.rejections).containsExactly(RejectionReason.INTERNAL_ERROR);
	}

	@Test
	void failingRejectionCounterNeverThrows() {
		InferredProxyObservations failing = new InferredProxyObservations(this.registry, parser(), null,
				new DefaultInferredProxyObservationConvention(), List.of(RequestListeners.failing()));
		Map<String, String> headers = GatewayHeaders.restApi(now());
		headers.put("x-dd-proxy-request-time-ms", "soon");
		assertThat(failing.start(GatewayHeaders.lookup(headers), () -> null)).isNull();
	}

	@Test
	void listenersAreToldOfEveryAcceptedRequestInOrderAndMayFail() {
		List<String> told = new ArrayList<>();
		InferredProxyRequestListener first = new InferredProxyRequestListener() {

			@Override
			public void accepted(GatewayRequest request) {
				told.add("first " + request.stage());
			}

		};
		InferredProxyRequestListener last = new InferredProxyRequestListener() {

			@Override
			public void accepted(GatewayRequest request) {
				told.add("last " + request.stage());
			}

		};
		InferredProxyObservations observations = new InferredProxyObservations(this.registry, parser(), null,
				new DefaultInferredProxyObservationConvention(), List.of(first, RequestListeners.failing(), last));
		GatewayObservation observation = observations.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)),
				() -> null);
		assertThat(observation).isNotNull();
		observation.stop(200, null);
		assertThat(told).containsExactly("first prod", "last prod");
		assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
	}

	@Test
	void noObservationWhenTheRegistryIsNoop() {
		InferredProxyObservations noop = new InferredProxyObservations(ObservationRegistry.NOOP, parser(), null,
				new DefaultInferredProxyObservationConvention(),
				List.of(RequestListeners.rejectionsInto(this.rejections)));
		assertThat(noop.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null)).isNull();
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void noObservationWhenAPredicateDisablesIt() {
		this.registry.observationConfig().observationPredicate((name, context) -> !name.startsWith("inferred.proxy"));
		assertThat(this.observations.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null))
			.isNull();
		assertThat(this.registry).doesNotHaveAnyObservation();
		assertThat(this.rejections).isEmpty();
	}

	@Test
	void customConventionIsUsed() {
		InferredProxyObservationConvention custom = new DefaultInferredProxyObservationConvention() {

			@Override
			public String getName() {
				return "gateway.requests";
			}

			@Override
			public KeyValues getHighCardinalityKeyValues(InferredProxyContext context) {
				return KeyValues.of("custom", "yes");
			}

		};
		InferredProxyObservations withCustom = new InferredProxyObservations(this.registry, parser(), custom,
				new DefaultInferredProxyObservationConvention(),
				List.of(RequestListeners.rejectionsInto(this.rejections)));
		GatewayObservation observation = withCustom.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)),
				() -> null);
		observation.stop(200, null);
		assertThat(this.registry).hasSingleObservationThat()
			.hasNameEqualTo("gateway.requests")
			.hasHighCardinalityKeyValue("custom", "yes");
	}

	@Test
	void clientGoneIsToldFromTheServersExceptionOrItsCauses() {
		assertThat(InferredProxyObservations.isClientGone(new java.io.IOException("Broken pipe"))).isTrue();
		assertThat(InferredProxyObservations.isClientGone(new java.io.EOFException())).isTrue();
		assertThat(InferredProxyObservations
			.isClientGone(new IllegalStateException("wrapped", new java.io.IOException("Connection reset by peer"))))
			.isTrue();
		assertThat(InferredProxyObservations
			.isClientGone(new org.springframework.web.context.request.async.AsyncRequestNotUsableException("gone")))
			.isTrue();
		// What reading the request body throws when the client resets the connection.
		assertThat(InferredProxyObservations.isClientGone(new java.net.SocketException("Connection reset"))).isTrue();
	}

	@Test
	void failuresOfTheApplicationsOwnCallsAreNotAClientGone() {
		assertThat(InferredProxyObservations.isClientGone(new java.net.SocketException("Connection refused")))
			.isFalse();
		assertThat(InferredProxyObservations.isClientGone(new IllegalStateException("boom"))).isFalse();
		// A downstream service reset the connection, not the client.
		assertThat(InferredProxyObservations.isClientGone(new org.springframework.web.client.ResourceAccessException(
				"I/O error", new java.net.SocketException("Connection reset by peer"))))
			.isFalse();
		assertThat(InferredProxyObservations
			.isClientGone(new java.sql.SQLException("database gone", new java.net.SocketException("Connection reset"))))
			.isFalse();
	}

	@Test
	void causesThatFormACycleEndTheCheck() {
		IllegalStateException first = new IllegalStateException("first");
		IllegalStateException second = new IllegalStateException("second", first);
		first.initCause(second);
		assertThat(InferredProxyObservations.isClientGone(first)).isFalse();
		java.io.IOException gone = new java.io.IOException("Broken pipe");
		IllegalStateException wrapper = new IllegalStateException("wrapper", gone);
		gone.initCause(wrapper);
		assertThat(InferredProxyObservations.isClientGone(wrapper)).isTrue();
	}

	@Test
	void exceptionWhoseMessageThrowsIsNotAClientGoneAndDoesNotThrow() {
		RuntimeException hostile = new RuntimeException() {

			@Override
			public String getMessage() {
				throw new IllegalStateException("no message for you");
			}

		};
		assertThat(InferredProxyObservations.isClientGone(hostile)).isFalse();
	}

	@Test
	void stopCopiesStatusAndErrorToTheContext() {
		GatewayObservation observation = this.observations
			.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null);
		IllegalStateException failure = new IllegalStateException("boom");
		observation.stop(500, failure);
		InferredProxyContext context = (InferredProxyContext) observation.getObservation().getContext();
		assertThat(context.getStatusCode()).isEqualTo(500);
		assertThat(context.isCancelled()).isFalse();
		assertThat(context.getError()).isSameAs(failure);
		assertThat(context.isResponseComplete()).isTrue();
	}

	@Test
	void cancelCopiesTheSentStatusAndTheCancellationToTheContext() {
		GatewayObservation observation = this.observations
			.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null);
		observation.cancel(null);
		InferredProxyContext context = (InferredProxyContext) observation.getObservation().getContext();
		assertThat(context.getStatusCode()).isNull();
		assertThat(context.isCancelled()).isTrue();
		assertThat(context.getError()).isNull();
		assertThat(context.isResponseComplete()).isTrue();
	}

	@Test
	void onlyTheFirstOfStopAndCancelCounts() {
		GatewayObservation observation = this.observations
			.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null);
		observation.cancel(200);
		observation.stop(500, new IllegalStateException("late"));
		InferredProxyContext context = (InferredProxyContext) observation.getObservation().getContext();
		assertThat(context.getStatusCode()).isEqualTo(200);
		assertThat(context.isCancelled()).isTrue();
		assertThat(context.getError()).isNull();
		assertThat(this.registry).hasSingleObservationThat().hasBeenStopped();
	}

	@Test
	void stopIsIdempotent() {
		AtomicInteger stops = new AtomicInteger();
		AtomicInteger errors = new AtomicInteger();
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				stops.incrementAndGet();
			}

			@Override
			public void onError(Observation.Context context) {
				errors.incrementAndGet();
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		GatewayObservation observation = this.observations
			.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null);
		observation.stop(200, null);
		observation.cancel(500);
		observation.stop(null, null);
		assertThat(stops).hasValue(1);
		assertThat(errors).hasValue(0);
		InferredProxyContext context = (InferredProxyContext) observation.getObservation().getContext();
		assertThat(context.getStatusCode()).isEqualTo(200);
		assertThat(context.isCancelled()).isFalse();
		assertThat(context.getError()).isNull();
	}

	@Test
	void concurrentStopsStopOnce() throws InterruptedException {
		AtomicInteger stops = new AtomicInteger();
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStop(Observation.Context context) {
				stops.incrementAndGet();
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		GatewayObservation observation = this.observations
			.start(GatewayHeaders.lookup(GatewayHeaders.restApi(now() - 10)), () -> null);
		List<Thread> threads = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			Thread thread = new Thread(() -> observation.stop(200, null));
			thread.start();
			threads.add(thread);
		}
		for (Thread thread : threads) {
			thread.join();
		}
		assertThat(stops).hasValue(1);
	}

	private static GatewayHeaderParser parser() {
		return new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false, TrustPolicy.none());
	}

	private static long now() {
		return System.currentTimeMillis();
	}

	private static int countOccurrences(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
			count++;
		}
		return count;
	}

}
