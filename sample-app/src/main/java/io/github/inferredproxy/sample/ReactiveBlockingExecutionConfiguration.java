package io.github.inferredproxy.sample;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * On WebFlux, runs controller methods that return a plain value (and may block, like the
 * invoice) on a pool of worker threads rather than on the event loop, so that the same
 * controllers serve Spring MVC and WebFlux. A pool, not a thread per call: the load test
 * in {@code benchmarks/load} measures this application.
 *
 * @author Inferred Proxy contributors
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.REACTIVE)
class ReactiveBlockingExecutionConfiguration implements WebFluxConfigurer, DisposableBean {

	// Not a bean: a TaskExecutor bean would make Boot back off its
	// applicationTaskExecutor.
	private final ThreadPoolTaskExecutor blockingExecutor = new ThreadPoolTaskExecutor();

	ReactiveBlockingExecutionConfiguration() {
		this.blockingExecutor.setThreadNamePrefix("blocking-");
		this.blockingExecutor.setCorePoolSize(16);
		this.blockingExecutor.setMaxPoolSize(16);
		this.blockingExecutor.initialize();
	}

	@Override
	public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
		configurer.setExecutor(this.blockingExecutor);
	}

	@Override
	public void destroy() {
		this.blockingExecutor.shutdown();
	}

}
