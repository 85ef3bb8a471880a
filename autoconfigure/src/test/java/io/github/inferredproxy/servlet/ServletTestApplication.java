package io.github.inferredproxy.servlet;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.testsupport.RecordedSpans;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * A Spring MVC application for the servlet tests.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import({ RecordedSpans.Config.class, ServletTestApplication.OrdersController.class })
public class ServletTestApplication {

	@RestController
	static class OrdersController {

		@GetMapping("/orders/{id}")
		String order(@PathVariable String id) {
			return "order " + id;
		}

		@GetMapping("/status/{code}")
		ResponseEntity<String> status(@PathVariable int code) {
			return ResponseEntity.status(code).body("status " + code);
		}

		@GetMapping("/fail")
		String fail() {
			throw new IllegalStateException("boom");
		}

		@GetMapping("/deferred")
		DeferredResult<String> deferred() {
			DeferredResult<String> result = new DeferredResult<>();
			CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS).execute(() -> result.setResult("deferred"));
			return result;
		}

		@GetMapping("/callable")
		Callable<String> callable() {
			return () -> {
				Thread.sleep(100);
				return "callable";
			};
		}

		@GetMapping("/sse")
		SseEmitter sse() {
			SseEmitter emitter = new SseEmitter();
			CompletableFuture.runAsync(() -> {
				try {
					for (int i = 0; i < 3; i++) {
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
