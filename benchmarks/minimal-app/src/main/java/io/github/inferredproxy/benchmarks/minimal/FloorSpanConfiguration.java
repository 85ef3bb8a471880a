package io.github.inferredproxy.benchmarks.minimal;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * The load test's floor ({@code minimal.floor-span}, with the starter off): what one more
 * span costs this application's pipeline when it is built the cheapest way, straight on
 * the OpenTelemetry SDK, outermost in the chain. {@code attributes} (the default with the
 * property set) gives it the 25 attributes that the starter's gateway span has with the
 * load test's headers (both vocabularies, the same keys, types and values) and the
 * gateway's start time, read from the same headers; {@code bare} gives it none. No
 * Observation API, no conventions, no meters, no gateway service, no parent for the
 * server span: a span the application pays to create and export, and nothing else.
 *
 * @author Inferred Proxy contributors
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "minimal.floor-span")
class FloorSpanConfiguration {

	@Bean
	@ConditionalOnWebApplication(type = Type.SERVLET)
	Filter floorSpanFilter(OpenTelemetry openTelemetry, @Value("${minimal.floor-span}") String kind) {
		FloorSpans spans = new FloorSpans(openTelemetry, kind);
		return new ServletFloorSpanFilter(spans);
	}

	@Bean
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	WebFilter floorSpanWebFilter(OpenTelemetry openTelemetry, @Value("${minimal.floor-span}") String kind) {
		FloorSpans spans = new FloorSpans(openTelemetry, kind);
		return new ReactiveFloorSpanFilter(spans);
	}

	/**
	 * Starts and ends the floor span.
	 */
	static final class FloorSpans {

		private final Tracer tracer;

		private final boolean attributes;

		FloorSpans(OpenTelemetry openTelemetry, String kind) {
			this.tracer = openTelemetry.getTracer("floor");
			this.attributes = switch (kind) {
				case "attributes", "true" -> true;
				case "bare" -> false;
				default -> throw new IllegalArgumentException(
						"minimal.floor-span: set 'attributes' or 'bare', not '" + kind + "'");
			};
		}

		@Nullable Span start(UnaryOperator<@Nullable String> headers) {
			String system = headers.apply("x-dd-proxy");
			String time = headers.apply("x-dd-proxy-request-time-ms");
			if (system == null || time == null) {
				return null;
			}
			return this.tracer.spanBuilder("aws.apigateway")
				.setNoParent()
				.setSpanKind(SpanKind.SERVER)
				.setStartTimestamp(Long.parseLong(time), TimeUnit.MILLISECONDS)
				.startSpan();
		}

		void end(Span span, UnaryOperator<@Nullable String> headers, int status) {
			if (this.attributes) {
				tag(span, headers, status);
			}
			span.end();
		}

		/**
		 * Set the starter's attributes for a REST API request with the load test's
		 * headers, in its key order.
		 * @param span the floor span
		 * @param headers the request's headers
		 * @param status the response status
		 */
		private static void tag(Span span, UnaryOperator<@Nullable String> headers, int status) {
			String system = headers.apply("x-dd-proxy");
			String domain = headers.apply("x-dd-proxy-domain-name");
			String method = headers.apply("x-dd-proxy-httpmethod");
			String path = headers.apply("x-dd-proxy-path");
			String route = headers.apply("x-dd-proxy-resource-path");
			String account = headers.apply("x-dd-proxy-account-id");
			String apiId = headers.apply("x-dd-proxy-api-id");
			String region = headers.apply("x-dd-proxy-region");
			String arn = "arn:aws:apigateway:" + region + "::/restapis/" + apiId;
			span.setAttribute("_dd.inferred_span", 1L);
			span.setAttribute("account_id", account);
			span.setAttribute("apiid", apiId);
			span.setAttribute("component", system);
			span.setAttribute("dd_resource_key", arn);
			span.setAttribute("http.method", method);
			span.setAttribute("http.route", route);
			span.setAttribute("http.status_code", Integer.toString(status));
			span.setAttribute("http.url", "https://" + domain + path);
			span.setAttribute("operation.name", "aws.apigateway");
			span.setAttribute("region", region);
			span.setAttribute("resource.name", method + " " + route);
			span.setAttribute("service.name", domain);
			span.setAttribute("span.type", "web");
			span.setAttribute("stage", headers.apply("x-dd-proxy-stage"));
			span.setAttribute("cloud.account.id", account);
			span.setAttribute("cloud.provider", "aws");
			span.setAttribute("cloud.region", region);
			span.setAttribute("cloud.resource_id", arn);
			span.setAttribute("http.request.method", method);
			span.setAttribute("http.response.status_code", (long) status);
			span.setAttribute("server.address", domain);
			span.setAttribute("url.path", path);
			span.setAttribute("url.scheme", "https");
			span.setAttribute("inferred_proxy.service", domain);
		}

	}

	/**
	 * The floor span around the whole servlet chain.
	 */
	static final class ServletFloorSpanFilter implements Filter, Ordered {

		private final FloorSpans spans;

		ServletFloorSpanFilter(FloorSpans spans) {
			this.spans = spans;
		}

		@Override
		public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
				throws IOException, ServletException {
			HttpServletRequest httpRequest = (HttpServletRequest) request;
			UnaryOperator<@Nullable String> headers = httpRequest::getHeader;
			Span span = this.spans.start(headers);
			try {
				chain.doFilter(request, response);
			}
			finally {
				if (span != null) {
					this.spans.end(span, headers, ((HttpServletResponse) response).getStatus());
				}
			}
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

	/**
	 * The floor span around the whole WebFlux chain, ended when the exchange completes.
	 */
	static final class ReactiveFloorSpanFilter implements WebFilter, Ordered {

		private final FloorSpans spans;

		ReactiveFloorSpanFilter(FloorSpans spans) {
			this.spans = spans;
		}

		@Override
		public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
			UnaryOperator<@Nullable String> headers = exchange.getRequest().getHeaders()::getFirst;
			Span span = this.spans.start(headers);
			if (span == null) {
				return chain.filter(exchange);
			}
			return chain.filter(exchange).doFinally((signal) -> {
				HttpStatusCode status = exchange.getResponse().getStatusCode();
				this.spans.end(span, headers, (status != null) ? status.value() : 200);
			});
		}

		@Override
		public int getOrder() {
			return Ordered.HIGHEST_PRECEDENCE;
		}

	}

}
