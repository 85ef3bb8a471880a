package io.github.inferredproxy.reactive;

import java.net.SocketException;
import java.time.Duration;
import java.util.Map;

import io.github.inferredproxy.observation.GatewayRequestIdMdc;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.RequestsReceived;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;

/**
 * A Spring WebFlux application for the reactive tests, served by Reactor Netty.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ RecordedSpans.Config.class, NettyThreadStateProbe.class, ReactiveTestApplication.OrdersController.class,
		ReactiveTestApplication.CorrelationController.class })
public class ReactiveTestApplication {

	@RestController
	static class OrdersController {

		private final ObservationRegistry observationRegistry;

		OrdersController(ObservationRegistry observationRegistry) {
			this.observationRegistry = observationRegistry;
		}

		@GetMapping("/orders/{id}")
		Mono<String> order(@PathVariable String id) {
			return Mono.just("order " + id);
		}

		@GetMapping("/delayed")
		Mono<String> delayed() {
			return Mono.delay(Duration.ofMillis(150)).map((tick) -> "delayed");
		}

		/**
		 * Answers after 5 seconds, long after a client that goes away has gone.
		 */
		@GetMapping("/slow")
		Mono<String> slow(
				@RequestHeader(name = GatewayObservationRecorder.REQUEST_ID_HEADER, required = false) String id) {
			RequestsReceived.received(id);
			return Mono.delay(Duration.ofSeconds(5)).map((tick) -> "slow");
		}

		/**
		 * A call of the application's own to another service that the other side reset.
		 */
		@GetMapping("/downstream-reset")
		Mono<String> downstreamReset() {
			return Mono.error(new ResourceAccessException("I/O error on GET", new SocketException("Connection reset")));
		}

		@PostMapping("/upload")
		Mono<String> upload(@RequestBody Mono<byte[]> body,
				@RequestHeader(name = GatewayObservationRecorder.REQUEST_ID_HEADER, required = false) String id) {
			RequestsReceived.received(id);
			return body.map((bytes) -> "read " + bytes.length);
		}

		@GetMapping(path = "/sse", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<ServerSentEvent<String>> sse() {
			return Flux.interval(Duration.ofMillis(50))
				.take(5)
				.onBackpressureBuffer()
				.map((i) -> ServerSentEvent.builder("event " + i).id(Long.toString(i)).build());
		}

		@GetMapping(path = "/ndjson", produces = MediaType.APPLICATION_NDJSON_VALUE)
		Flux<Map<String, Long>> ndjson() {
			return Flux.interval(Duration.ofMillis(50)).take(5).onBackpressureBuffer().map((i) -> Map.of("line", i));
		}

		@GetMapping(path = "/endless", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<String> endless() {
			// A busy event loop may request more slowly than the ticks come.
			return Flux.interval(Duration.ofMillis(20)).onBackpressureDrop().map((i) -> "tick " + i);
		}

		@GetMapping(path = "/sse-then-fail", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
		Flux<String> sseThenFail() {
			return Flux.interval(Duration.ofMillis(20))
				.take(2)
				.onBackpressureBuffer()
				.map((i) -> "tick " + i)
				.concatWith(Mono.error(new IllegalStateException("failed mid-stream")));
		}

		@GetMapping("/fail")
		Mono<String> fail() {
			throw new IllegalStateException("thrown by the controller");
		}

		@GetMapping("/fail-mono")
		Mono<String> failMono() {
			return Mono.error(new IllegalArgumentException("signalled by the Mono"));
		}

		@GetMapping("/fail-delayed")
		Mono<String> failDelayed() {
			return Mono.delay(Duration.ofMillis(50)).then(Mono.error(new IllegalStateException("failed later")));
		}

		/**
		 * Names the observation current after a thread hop, and its parent: restored from
		 * the Reactor context with automatic context propagation, else none.
		 */
		@GetMapping("/current-observation")
		Mono<String> currentObservation() {
			return Mono.delay(Duration.ofMillis(10)).map((tick) -> {
				Observation current = this.observationRegistry.getCurrentObservation();
				if (current == null) {
					return "none";
				}
				ObservationView parent = current.getContextView().getParentObservation();
				return current.getContextView().getName() + " < "
						+ ((parent != null) ? parent.getContextView().getName() : "none");
			});
		}

		@GetMapping("/status/{code}")
		Mono<ResponseEntity<String>> status(@PathVariable int code) {
			return Mono.just(ResponseEntity.status(code).body("status " + code));
		}

	}

	/**
	 * Logs with the marker the test sends, and answers with the gateway request id that
	 * the MDC held when it answered.
	 */
	@RestController
	static class CorrelationController {

		private static final Logger logger = LoggerFactory.getLogger(CorrelationController.class);

		@GetMapping("/correlation/log")
		Mono<String> log(@RequestParam String marker) {
			logger.info("correlation {}", marker);
			return Mono.just(mdcRequestId());
		}

		/**
		 * Logs after a hop to the parallel scheduler and after one to the bounded elastic
		 * one, where only automatic context propagation brings the observation along.
		 */
		@GetMapping("/correlation/hop")
		Mono<String> hop(@RequestParam String marker) {
			return Mono.delay(Duration.ofMillis(10))
				.doOnNext((tick) -> logger.info("correlation {} after Mono.delay", marker))
				.publishOn(Schedulers.boundedElastic())
				.map((tick) -> {
					logger.info("correlation {} after publishOn", marker);
					return mdcRequestId();
				});
		}

		private static String mdcRequestId() {
			String requestId = MDC.get(GatewayRequestIdMdc.KEY);
			return (requestId != null) ? requestId : "none";
		}

	}

}
