package io.github.inferredproxy.sample;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.web.reactive.config.BlockingExecutionConfigurer;
import org.springframework.web.reactive.config.WebFluxConfigurer;

/**
 * On WebFlux, runs controller methods that return a plain value (and may block, like the
 * invoice) on their own threads rather than on the event loop, so that the same
 * controllers serve Spring MVC and WebFlux.
 *
 * @author Inferred Proxy contributors
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.REACTIVE)
class ReactiveBlockingExecutionConfiguration implements WebFluxConfigurer {

	@Override
	public void configureBlockingExecution(BlockingExecutionConfigurer configurer) {
		SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor("blocking-");
		executor.setConcurrencyLimit(32);
		configurer.setExecutor(executor);
	}

}
