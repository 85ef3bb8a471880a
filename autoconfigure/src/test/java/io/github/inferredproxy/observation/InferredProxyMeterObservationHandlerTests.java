package io.github.inferredproxy.observation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.GatewaySystem;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.transport.ReceiverContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InferredProxyMeterObservationHandler}.
 */
@ExtendWith(OutputCaptureExtension.class)
class InferredProxyMeterObservationHandlerTests {

	private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

	private final InferredProxyMeterObservationHandler handler = new InferredProxyMeterObservationHandler(
			this.meterRegistry);

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	InferredProxyMeterObservationHandlerTests() {
		// Boot's grouping: the meter handlers in one first-matching group, ours first.
		this.registry.observationConfig()
			.observationHandler(new FirstMatchingCompositeObservationHandler(this.handler,
					new DefaultMeterObservationHandler(this.meterRegistry)));
	}

	@Test
	void requestTimerIsMeasuredFromTheGatewayTime() {
		long now = System.currentTimeMillis();
		GatewayObservation observation = start(restApi(now - 1_500, now));
		observation.stop(200, null);
		Timer timer = this.meterRegistry.get("inferred.proxy.requests").timer();
		assertThat(timer.count()).isEqualTo(1);
		// The observation itself lasted a few microseconds.
		assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(1_500).isLessThan(60_000);
	}

	@Test
	void conventionThatRenamesTheObservationRenamesBothTimers() {
		long now = System.currentTimeMillis();
		DefaultInferredProxyObservationConvention renamed = new DefaultInferredProxyObservationConvention() {

			@Override
			public String getName() {
				return "edge.requests";
			}

		};
		GatewayObservation observation = new GatewayObservation(
				Observation.createNotStarted(renamed, () -> context(restApi(now - 1_500, now)), this.registry).start());
		observation.stop(200, null);
		assertThat(this.meterRegistry.get("edge.requests").timer().count()).isOne();
		assertThat(this.meterRegistry.get("edge.transit").timer().count()).isOne();
		assertThat(this.meterRegistry.find("inferred.proxy.requests").timer()).isNull();
		assertThat(this.meterRegistry.find("inferred.proxy.transit").timer()).isNull();
	}

	@ParameterizedTest
	@CsvSource({ "inferred.proxy.requests, inferred.proxy.transit", "edge.requests, edge.transit",
			"gateway, gateway.transit", ".requests, .transit" })
	void transitTimerIsNamedAfterTheObservation(String observationName, String transitName) {
		assertThat(InferredProxyMeterObservationHandler.transitTimerName(observationName)).isEqualTo(transitName);
	}

	@Test
	void transitTimerIsTheTimeFromTheGatewayToTheApplication() {
		long now = System.currentTimeMillis();
		GatewayObservation observation = start(restApi(now - 1_500, now));
		observation.stop(200, null);
		Timer transit = this.meterRegistry.get("inferred.proxy.transit").timer();
		assertThat(transit.count()).isEqualTo(1);
		assertThat(transit.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(1_500);
	}

	@Test
	void secondPreciseRequestIsTimedButKeptOutOfTheTransitTimer() {
		long now = System.currentTimeMillis();
		GatewayRequest seconds = GatewayRequest.builder(GatewaySystem.AWS_HTTPAPI, now - 900, now)
			.secondPrecision(true)
			.build();
		start(seconds).stop(200, null);
		assertThat(this.meterRegistry.get("inferred.proxy.requests").timer().count()).isOne();
		assertThat(this.meterRegistry.get("inferred.proxy.transit").timer().count()).isZero();
	}

	@Test
	void clampedRequestHasNoTransit() {
		long now = System.currentTimeMillis();
		GatewayRequest skewed = GatewayRequest.builder(GatewaySystem.AWS_APIGATEWAY, now, now)
			.clockSkewMillis(2_000)
			.build();
		start(skewed).stop(200, null);
		assertThat(this.meterRegistry.get("inferred.proxy.transit").timer().totalTime(TimeUnit.NANOSECONDS)).isZero();
		assertThat(this.meterRegistry.get("inferred.proxy.requests").timer().totalTime(TimeUnit.MILLISECONDS))
			.isLessThan(2_000);
	}

	@Test
	void timersAreTaggedWithTheLowCardinalityKeys() {
		long now = System.currentTimeMillis();
		start(restApi(now - 10, now)).stop(503, null);
		for (String name : List.of("inferred.proxy.requests", "inferred.proxy.transit")) {
			Timer timer = this.meterRegistry.get(name)
				.tag("system", "aws-apigateway")
				.tag("stage", "prod")
				.tag("method", "GET")
				.tag("route", "/users/{id}")
				.tag("status", "503")
				.tag("outcome", "SERVER_ERROR")
				.timer();
			assertThat(timer.count()).as(name).isEqualTo(1);
			assertThat(timer.getId().getTags()).as(name).hasSize(6);
		}
	}

	@Test
	void everySampleHasTheSameTagKeys() {
		long now = System.currentTimeMillis();
		start(restApi(now - 10, now)).stop(200, null);
		start(minimal(GatewaySystem.AZURE_APIM, now)).cancel(null);
		start(restApi(now - 10, now)).stop(500, new IllegalStateException("boom"));
		GatewayRequest weird = GatewayRequest.builder(GatewaySystem.AWS_HTTPAPI, now - 5, now)
			.domain("d")
			.method("PROPFIND")
			.path("/raw/42")
			.build();
		start(weird).stop(404, null);
		for (String name : List.of("inferred.proxy.requests", "inferred.proxy.transit")) {
			Collection<Meter> meters = this.meterRegistry.find(name).meters();
			assertThat(meters).as(name).hasSize(4);
			assertThat(meters).as(name)
				.allSatisfy((meter) -> assertThat(tagKeys(meter)).containsExactlyInAnyOrder("system", "stage", "method",
						"route", "status", "outcome"));
		}
		assertThat(
				this.meterRegistry.get("inferred.proxy.requests").tag("system", "azure-apim").timer().getId().getTags())
			.contains(Tag.of("stage", "UNKNOWN"), Tag.of("method", "UNKNOWN"), Tag.of("route", "UNKNOWN"),
					Tag.of("status", "UNKNOWN"), Tag.of("outcome", "UNKNOWN"));
	}

	@Test
	void routeTagIsNeverTheRawPath() {
		long now = System.currentTimeMillis();
		GatewayRequest noTemplate = GatewayRequest.builder(GatewaySystem.AWS_HTTPAPI, now - 5, now)
			.domain("d")
			.method("GET")
			.path("/users/42")
			.stage("$default")
			.build();
		start(noTemplate).stop(200, null);
		Timer timer = this.meterRegistry.get("inferred.proxy.requests").timer();
		assertThat(timer.getId().getTag("route")).isEqualTo("UNKNOWN");
		assertThat(timer.getId().getTags()).extracting(Tag::getValue).doesNotContain("/users/42");
	}

	@Test
	void replacesBootsDefaultMeterHandlingForTheGatewayObservation() {
		long now = System.currentTimeMillis();
		start(restApi(now - 10, now)).stop(200, null);
		assertThat(this.meterRegistry.find("inferred.proxy.requests.active").meters()).isEmpty();
		assertThat(this.meterRegistry.find("inferred.proxy.requests").meters()).hasSize(1);
		assertThat(tagKeys(this.meterRegistry.get("inferred.proxy.requests").meter())).doesNotContain("error",
				"exception");
	}

	@Test
	void aSecondStopRecordsNothing() {
		long now = System.currentTimeMillis();
		GatewayObservation observation = start(restApi(now - 10, now));
		observation.stop(200, null);
		observation.stop(500, null);
		assertThat(this.meterRegistry.get("inferred.proxy.requests").timer().count()).isEqualTo(1);
		assertThat(this.meterRegistry.find("inferred.proxy.requests").tag("status", "500").meters()).isEmpty();
	}

	@Test
	void forgedRouteAndStageValuesBeyondTheMaximumAreRecordedAsOverflow(CapturedOutput output) {
		InferredProxyMeterObservationHandler bounded = new InferredProxyMeterObservationHandler(this.meterRegistry, 3);
		long now = System.currentTimeMillis();
		for (int i = 0; i < 20; i++) {
			recordWith(bounded, forged(now, "/forged/" + i, "stage-" + i), 200);
		}
		recordWith(bounded, forged(now, "/forged/0", "stage-0"), 200);
		for (String name : List.of("inferred.proxy.requests", "inferred.proxy.transit")) {
			assertThat(this.meterRegistry.find(name).timers()).as(name)
				.extracting((timer) -> timer.getId().getTag("route") + " " + timer.getId().getTag("stage") + " "
						+ timer.count())
				.containsExactlyInAnyOrder("/forged/0 stage-0 2", "/forged/1 stage-1 1", "/forged/2 stage-2 1",
						"OTHER OTHER 17");
		}
		// Nothing lost: every sample counted once.
		assertThat(this.meterRegistry.find("inferred.proxy.requests").timers().stream().mapToLong(Timer::count).sum())
			.isEqualTo(21);
		assertThat(countOccurrences(output.toString(), "Reached the maximum number (3) of tag sets")).isOne();
		assertThat(output).contains("route and stage 'OTHER'").contains("inferred-proxy.max-tag-sets");
	}

	@Test
	void overflowTagSetsAreBoundedToo(CapturedOutput output) {
		InferredProxyMeterObservationHandler bounded = new InferredProxyMeterObservationHandler(this.meterRegistry, 2);
		long now = System.currentTimeMillis();
		// Other statuses after the maximum: overflow tag sets, until those reach it too.
		for (int status = 200; status < 210; status++) {
			recordWith(bounded, forged(now, "/forged/" + status, "s"), status);
		}
		assertThat(this.meterRegistry.find("inferred.proxy.requests").timers()).hasSize(4)
			.extracting((timer) -> timer.getId().getTag("route") + " " + timer.getId().getTag("status"))
			.containsExactlyInAnyOrder("/forged/200 200", "/forged/201 201", "OTHER 202", "OTHER 203");
		assertThat(output).contains("samples with a new tag set are not recorded");
	}

	@Test
	void maximumIsHeldUnderConcurrency() throws Exception {
		InferredProxyMeterObservationHandler bounded = new InferredProxyMeterObservationHandler(this.meterRegistry, 50);
		long now = System.currentTimeMillis();
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> writers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int thread = t;
				writers.add(threads.submit(() -> {
					for (int i = 0; i < 500; i++) {
						recordWith(bounded, forged(now, "/forged/" + thread + "/" + i, "s"), 200);
					}
				}));
			}
			for (Future<?> writer : writers) {
				writer.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdownNow();
		}
		Collection<Timer> timers = this.meterRegistry.find("inferred.proxy.requests").timers();
		assertThat(timers).hasSize(51);
		assertThat(timers.stream().mapToLong(Timer::count).sum()).isEqualTo(2000);
	}

	@Test
	void aRegistryThatRejectsATagSetNeitherThrowsNorUsesUpTheMaximum() {
		// A meter filter that fails for one route, as a registry may for tags it rejects.
		this.meterRegistry.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {

			@Override
			public Meter.Id map(Meter.Id id) {
				if ("/rejected".equals(id.getTag("route"))) {
					throw new IllegalArgumentException("rejected tags");
				}
				return id;
			}

		});
		InferredProxyMeterObservationHandler bounded = new InferredProxyMeterObservationHandler(this.meterRegistry, 2);
		long now = System.currentTimeMillis();
		for (int i = 0; i < 5; i++) {
			recordWith(bounded, forged(now, "/rejected", "s"), 200);
		}
		recordWith(bounded, forged(now, "/a", "s"), 200);
		recordWith(bounded, forged(now, "/b", "s"), 200);
		assertThat(this.meterRegistry.find("inferred.proxy.requests").timers())
			.extracting((timer) -> timer.getId().getTag("route"))
			.containsExactlyInAnyOrder("/a", "/b");
	}

	@Test
	void maximumBelowOneIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new InferredProxyMeterObservationHandler(this.meterRegistry, 0))
			.withMessageContaining("maxTagSets");
	}

	private void recordWith(InferredProxyMeterObservationHandler handler, GatewayRequest request, int status) {
		InferredProxyContext context = context(request);
		context.setStatusCode(status);
		context.markStopped();
		context.addLowCardinalityKeyValues(
				new DefaultInferredProxyObservationConvention().getLowCardinalityKeyValues(context));
		handler.onStop(context);
	}

	private static GatewayRequest forged(long now, String route, String stage) {
		return GatewayRequest.builder(GatewaySystem.AWS_APIGATEWAY, now - 10, now)
			.domain("api.example.com")
			.method("GET")
			.path("/prod/x")
			.stage(stage)
			.resourcePath(route)
			.build();
	}

	private static int countOccurrences(String text, String part) {
		int count = 0;
		for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
			count++;
		}
		return count;
	}

	@Test
	void supportsOnlyGatewayContexts() {
		long now = System.currentTimeMillis();
		assertThat(this.handler.supportsContext(context(restApi(now, now)))).isTrue();
		assertThat(this.handler.supportsContext(new Observation.Context())).isFalse();
		assertThat(this.handler.supportsContext(new ReceiverContext<Object>((carrier, key) -> null))).isFalse();
	}

	@Test
	void otherObservationsAreLeftToBootsDefaultHandler() {
		Observation.start("other", this.registry).stop();
		assertThat(this.meterRegistry.get("other").timer().count()).isEqualTo(1);
		assertThat(this.meterRegistry.find("inferred.proxy.requests").meters()).isEmpty();
	}

	private GatewayObservation start(GatewayRequest request) {
		return new GatewayObservation(Observation
			.createNotStarted(new DefaultInferredProxyObservationConvention(), () -> context(request), this.registry)
			.start());
	}

	private static InferredProxyContext context(GatewayRequest request) {
		return new InferredProxyContext(request, (name) -> null, System.nanoTime());
	}

	private static Set<String> tagKeys(Meter meter) {
		return meter.getId().getTags().stream().map(Tag::getKey).collect(Collectors.toSet());
	}

	private static GatewayRequest restApi(long start, long received) {
		return GatewayRequest.builder(GatewaySystem.AWS_APIGATEWAY, start, received)
			.domain("api.example.com")
			.method("GET")
			.path("/prod/users/42")
			.stage("prod")
			.resourcePath("/users/{id}")
			.accountId("123456789012")
			.apiId("abc123")
			.region("eu-west-3")
			.build();
	}

	private static GatewayRequest minimal(GatewaySystem system, long now) {
		return GatewayRequest.builder(system, now - 5, now).build();
	}

}
