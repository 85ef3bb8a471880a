package io.github.inferredproxy.servlet;

import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.observation.GatewayRequestIdMdc;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.RequestsReceived;
import io.github.inferredproxy.testsupport.TomcatThreadStateProbe;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.context.request.async.WebAsyncTask;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A Spring MVC application for the servlet tests: one endpoint per way a request can be
 * served (plain, async in each flavour, failing, timing out, streaming), plus recorders
 * of the gateway observations, the spans, and what is left on Tomcat's threads.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ RecordedSpans.Config.class, GatewayObservationRecorder.Config.class, TomcatThreadStateProbe.Config.class,
		ServletTestApplication.OrdersController.class, ServletTestApplication.AsyncController.class,
		ServletTestApplication.CorrelationController.class })
public class ServletTestApplication {

	@Bean(destroyMethod = "shutdownNow")
	ExecutorService backgroundWork() {
		return Executors.newCachedThreadPool();
	}

	/**
	 * Logs on the async dispatch of a {@code /correlation/**} request, where Spring MVC
	 * writes an async result.
	 */
	@Bean
	WebMvcConfigurer correlationLogging() {
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(new HandlerInterceptor() {

					@Override
					public void postHandle(HttpServletRequest request, HttpServletResponse response, Object handler,
							@Nullable ModelAndView modelAndView) {
						if (request.getDispatcherType() == DispatcherType.ASYNC) {
							CorrelationController.logger.info("correlation {} on the async dispatch",
									request.getParameter("marker"));
						}
					}

				}).addPathPatterns("/correlation/**");
			}

		};
	}

	@RestController
	static class OrdersController {

		private final Tracer tracer;

		OrdersController(Tracer tracer) {
			this.tracer = tracer;
		}

		@GetMapping("/orders/{id}")
		String order(@PathVariable String id) {
			return "order " + id;
		}

		@GetMapping("/status/{code}")
		ResponseEntity<String> status(@PathVariable int code) {
			return ResponseEntity.status(code).body("status " + code);
		}

		@GetMapping("/send-error/{code}")
		void sendError(@PathVariable int code, HttpServletResponse response) throws IOException {
			response.sendError(code, "sent error " + code);
		}

		@GetMapping("/fail")
		String fail() {
			throw new IllegalStateException("boom");
		}

		@GetMapping("/search")
		String search(@RequestParam int page) {
			return "page " + page;
		}

		/**
		 * Ends a child span of the server span, and answers with the trace and span id
		 * that the application sees as current: those of the server span.
		 */
		@GetMapping("/trace")
		String trace() {
			this.tracer.nextSpan().name("work").start().end();
			TraceContext current = this.tracer.currentSpan().context();
			return current.traceId() + " " + current.spanId();
		}

		/**
		 * Answers with the value of the {@code tenant} baggage entry the application
		 * sees.
		 */
		@GetMapping("/baggage")
		String baggage() {
			String tenant = this.tracer.getBaggage("tenant").get();
			return (tenant != null) ? tenant : "none";
		}

		/**
		 * Writes 8 KB every 20 ms for about 4 seconds, flushing each: a client that goes
		 * away in between makes the next write fail.
		 */
		@GetMapping("/slow-body")
		void slowBody(HttpServletResponse response) throws IOException, InterruptedException {
			response.setContentType("text/plain");
			byte[] chunk = ("chunk " + "x".repeat(8192) + "\n").getBytes(StandardCharsets.US_ASCII);
			for (int i = 0; i < 200; i++) {
				response.getOutputStream().write(chunk);
				response.flushBuffer();
				Thread.sleep(20);
			}
		}

		/**
		 * Reads the whole request body itself, so that a body cut short fails here.
		 */
		@PostMapping("/upload")
		String upload(HttpServletRequest request) throws IOException {
			RequestsReceived.received(request.getHeader(GatewayObservationRecorder.REQUEST_ID_HEADER));
			return "read " + request.getInputStream().readAllBytes().length;
		}

		/**
		 * A call of the application's own to another service that the other side reset.
		 */
		@GetMapping("/downstream-reset")
		String downstreamReset() {
			throw new ResourceAccessException("I/O error on GET", new SocketException("Connection reset"));
		}

		@GetMapping("/forward")
		ModelAndView forward() {
			return new ModelAndView("forward:/orders/7");
		}

	}

	/**
	 * Logs with the marker the test sends, and answers with the gateway request id that
	 * the MDC held meanwhile.
	 */
	@RestController
	static class CorrelationController {

		static final Logger logger = LoggerFactory.getLogger(CorrelationController.class);

		@GetMapping("/correlation/log")
		String log(@RequestParam String marker) {
			logger.info("correlation {}", marker);
			return mdcRequestId();
		}

		@GetMapping("/correlation/deferred")
		DeferredResult<String> deferred() {
			DeferredResult<String> result = new DeferredResult<>();
			CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS).execute(() -> result.setResult("deferred"));
			return result;
		}

		static String mdcRequestId() {
			String requestId = MDC.get(GatewayRequestIdMdc.KEY);
			return (requestId != null) ? requestId : "none";
		}

	}

	@RestController
	static class AsyncController {

		private final ExecutorService backgroundWork;

		AsyncController(ExecutorService backgroundWork) {
			this.backgroundWork = backgroundWork;
		}

		@GetMapping("/deferred")
		DeferredResult<String> deferred() {
			DeferredResult<String> result = new DeferredResult<>();
			CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() -> result.setResult("deferred"));
			return result;
		}

		@GetMapping("/deferred/fail")
		DeferredResult<String> deferredFailure() {
			DeferredResult<String> result = new DeferredResult<>();
			CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS)
				.execute(() -> result.setErrorResult(new IllegalStateException("async boom")));
			return result;
		}

		/**
		 * Never completed: Spring MVC answers 503 when the 200 ms timeout expires.
		 */
		@GetMapping("/deferred/timeout")
		DeferredResult<String> deferredTimeout() {
			return new DeferredResult<>(200L);
		}

		@GetMapping("/callable")
		Callable<String> callable() {
			return () -> {
				Thread.sleep(100);
				return "callable";
			};
		}

		@GetMapping("/callable/fail")
		Callable<String> callableFailure() {
			return () -> {
				throw new IllegalStateException("callable boom");
			};
		}

		@GetMapping("/web-async-task")
		WebAsyncTask<String> webAsyncTask() {
			return new WebAsyncTask<>(5000L, () -> {
				Thread.sleep(100);
				return "web async task";
			});
		}

		@GetMapping("/sse")
		SseEmitter sse() {
			return stream(3);
		}

		/**
		 * Streams for about 3 seconds, long enough for a client to go away in between.
		 */
		@GetMapping("/sse/long")
		SseEmitter longSse() {
			return stream(100);
		}

		private SseEmitter stream(int events) {
			SseEmitter emitter = new SseEmitter(10_000L);
			this.backgroundWork.execute(() -> {
				try {
					for (int i = 0; i < events; i++) {
						emitter.send("event " + i);
						Thread.sleep(30);
					}
					emitter.complete();
				}
				catch (Exception ex) {
					emitter.completeWithError(ex);
				}
			});
			return emitter;
		}

	}

}
