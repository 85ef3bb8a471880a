package io.github.inferredproxy.observation;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferredProxyContext}: it stores its key values its own way, so every
 * sequence of changes must read back as from Micrometer's own context.
 */
class InferredProxyContextTests {

	@Test
	void keyValuesAddedOneByOneReadBackSortedAndUnique() {
		assertSameAsMicrometersContext((context) -> context.addHighCardinalityKeyValue(KeyValue.of("b", "1"))
			.addHighCardinalityKeyValue(KeyValue.of("a", "2"))
			.addHighCardinalityKeyValue(KeyValue.of("b", "3"))
			.addLowCardinalityKeyValue(KeyValue.of("z", "4"))
			.addLowCardinalityKeyValue(KeyValue.of("y", "5")));
	}

	@Test
	void laterKeyValuesReplaceEarlierOnesWithTheSameKey() {
		assertSameAsMicrometersContext(
				(context) -> context.addHighCardinalityKeyValues(KeyValues.of("a", "1", "b", "2", "c", "3"))
					.addHighCardinalityKeyValues(KeyValues.of("b", "changed", "d", "4"))
					.addLowCardinalityKeyValues(KeyValues.of("status", "200"))
					.addLowCardinalityKeyValues(KeyValues.of("status", "500", "outcome", "SERVER_ERROR")));
	}

	@Test
	void removedKeyValuesAreGone() {
		assertSameAsMicrometersContext(
				(context) -> context.addHighCardinalityKeyValues(KeyValues.of("a", "1", "b", "2", "c", "3"))
					.removeHighCardinalityKeyValue("b")
					.removeHighCardinalityKeyValue("missing")
					.addLowCardinalityKeyValues(KeyValues.of("x", "1", "y", "2", "z", "3"))
					.removeLowCardinalityKeyValues("x", "z", "missing"));
		assertSameAsMicrometersContext((context) -> context.addHighCardinalityKeyValues(KeyValues.of("a", "1"))
			.removeHighCardinalityKeyValues("a")
			.addHighCardinalityKeyValue(KeyValue.of("a", "again"))
			.addLowCardinalityKeyValue(KeyValue.of("l", "1"))
			.removeLowCardinalityKeyValue("l"));
	}

	@Test
	void emptyContextHasNoKeyValues() {
		assertSameAsMicrometersContext((context) -> context.addHighCardinalityKeyValues(KeyValues.empty()));
		assertThat(gatewayContext().getAllKeyValues()).isEmpty();
	}

	@Test
	void observationFilterChangesTheKeyValuesThatHandlersSee() {
		TestObservationRegistry registry = TestObservationRegistry.create();
		registry.observationConfig()
			.observationFilter((context) -> context.addLowCardinalityKeyValue(KeyValue.of("region", "eu"))
				.removeHighCardinalityKeyValue("stage"));
		InferredProxyContext context = gatewayContext();
		GatewayObservation observation = new GatewayObservation(InferredProxyObservationDocumentation.GATEWAY_REQUEST
			.observation(null, new DefaultInferredProxyObservationConvention(), () -> context, registry)
			.start());
		observation.stop(200, null);
		assertThat(registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("region", "eu")
			.hasLowCardinalityKeyValue("status", "200")
			.hasHighCardinalityKeyValue("http.route", "/orders/{id}")
			.doesNotHaveHighCardinalityKeyValueWithKey("stage");
	}

	@Test
	void keyValuesAddedFromSeveralThreadsAreAllKept() throws Exception {
		// Micrometer's context is safe for concurrent writers; this one must be too.
		InferredProxyContext context = gatewayContext();
		int threads = 4;
		int keysPerThread = 200;
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> writers = new ArrayList<>();
			for (int thread = 0; thread < threads; thread++) {
				String prefix = "t" + thread + ".";
				writers.add(executor.submit(() -> {
					start.await();
					for (int key = 0; key < keysPerThread; key++) {
						context.addHighCardinalityKeyValue(KeyValue.of(prefix + key, "v"));
						context.addLowCardinalityKeyValues(KeyValues.of(prefix + key, "v"));
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> writer : writers) {
				writer.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			executor.shutdownNow();
		}
		assertThat(context.getHighCardinalityKeyValues()).hasSize(threads * keysPerThread);
		assertThat(context.getLowCardinalityKeyValues()).hasSize(threads * keysPerThread);
	}

	@Test
	void overridesEveryKeyValueMethodOfMicrometersContext() throws NoSuchMethodException {
		// A key-value method that a later Micrometer adds would read the superclass's
		// maps,
		// which stay empty here.
		for (Method method : Observation.Context.class.getDeclaredMethods()) {
			if (Modifier.isPublic(method.getModifiers()) && method.getName().contains("KeyValue")) {
				assertThat(InferredProxyContext.class.getMethod(method.getName(), method.getParameterTypes())
					.getDeclaringClass()).as(method.toString()).isEqualTo(InferredProxyContext.class);
			}
		}
	}

	private static void assertSameAsMicrometersContext(Consumer<Observation.Context> changes) {
		Observation.Context expected = new Observation.Context();
		InferredProxyContext actual = gatewayContext();
		changes.accept(expected);
		changes.accept(actual);
		assertThat(actual.getLowCardinalityKeyValues())
			.containsExactlyElementsOf(expected.getLowCardinalityKeyValues());
		assertThat(actual.getHighCardinalityKeyValues())
			.containsExactlyElementsOf(expected.getHighCardinalityKeyValues());
		assertThat(actual.getAllKeyValues()).containsExactlyElementsOf(expected.getAllKeyValues());
		for (KeyValue keyValue : expected.getAllKeyValues()) {
			assertThat(actual.getLowCardinalityKeyValue(keyValue.getKey()))
				.isEqualTo(expected.getLowCardinalityKeyValue(keyValue.getKey()));
			assertThat(actual.getHighCardinalityKeyValue(keyValue.getKey()))
				.isEqualTo(expected.getHighCardinalityKeyValue(keyValue.getKey()));
		}
		assertThat(actual.getHighCardinalityKeyValue("missing")).isNull();
		assertThat(actual.getLowCardinalityKeyValue("missing")).isNull();
	}

	private static InferredProxyContext gatewayContext() {
		long now = System.currentTimeMillis();
		GatewayRequest request = (GatewayRequest) new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5),
				false, TrustPolicy.none())
			.parse(GatewayHeaders.restApi(now - 50)::get, () -> null, now);
		return new InferredProxyContext(request, (name) -> null, System.nanoTime());
	}

}
