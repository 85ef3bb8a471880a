package io.github.inferredproxy.servlet;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.TrustPolicy;
import io.github.inferredproxy.observation.DefaultInferredProxyObservationConvention;
import io.github.inferredproxy.observation.InferredProxyContext;
import io.github.inferredproxy.observation.InferredProxyObservations;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Unit tests for {@link InferredProxyFilter}: what it does with the gateway observation
 * for each way a request can go, without a server. The real Tomcat tests show the same
 * against Spring's server observation and the container.
 */
class InferredProxyFilterTests {

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	private final InferredProxyFilter filter = new InferredProxyFilter(new InferredProxyObservations(this.registry,
			new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5), false, TrustPolicy.none()), null,
			new DefaultInferredProxyObservationConvention(), List.of()));

	private final MockHttpServletResponse response = new MockHttpServletResponse();

	@Test
	void requestWithoutGatewayHeadersPassesThroughUnobserved() throws Exception {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders/1");
		Observation[] current = new Observation[1];
		this.filter.doFilter(request, this.response, (req, res) -> current[0] = this.registry.getCurrentObservation());
		assertThat(current[0]).isNull();
		assertThat(this.registry).doesNotHaveAnyObservation();
	}

	@Test
	void gatewayRequestIsCurrentInTheChainAndEndsWithTheResponseStatus() throws Exception {
		Observation[] current = new Observation[1];
		this.filter.doFilter(gatewayRequest(), this.response, (req, res) -> {
			current[0] = this.registry.getCurrentObservation();
			this.response.setStatus(201);
		});
		assertThat(current[0]).isNotNull();
		assertThat(current[0].getContext()).isInstanceOf(InferredProxyContext.class);
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStarted()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "201")
			.hasLowCardinalityKeyValue("outcome", "SUCCESS")
			.doesNotHaveError();
		assertThat(this.registry.getCurrentObservation()).as("scope closed").isNull();
	}

	@Test
	void exceptionLeavingTheChainIsA500Error() {
		IllegalStateException failure = new IllegalStateException("boom");
		assertThatIllegalStateException()
			.isThrownBy(() -> this.filter.doFilter(gatewayRequest(), this.response, (req, res) -> {
				throw failure;
			}))
			.isSameAs(failure);
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "500")
			.hasError(failure);
	}

	@Test
	void servletExceptionIsUnwrappedToTheApplicationsException() {
		IllegalArgumentException cause = new IllegalArgumentException("bad");
		FilterChain failing = (req, res) -> {
			throw new ServletException("Request processing failed", cause);
		};
		try {
			this.filter.doFilter(gatewayRequest(), this.response, failing);
		}
		catch (Exception ex) {
			assertThat(ex).isInstanceOf(ServletException.class);
		}
		assertThat(this.registry).hasSingleObservationThat().hasError(cause);
	}

	@Test
	void clientThatWentAwayBeforeAnythingWasSentIsCancelledWithoutStatus() {
		try {
			this.filter.doFilter(gatewayRequest(), this.response, (req, res) -> {
				throw new ClientAbortException("Broken pipe");
			});
		}
		catch (Exception ex) {
			assertThat(ex).isInstanceOf(ClientAbortException.class);
		}
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "UNKNOWN")
			.hasLowCardinalityKeyValue("outcome", "UNKNOWN")
			.doesNotHaveError();
	}

	@Test
	void clientThatWentAwayAfterTheStatusWasSentKeepsIt() {
		try {
			this.filter.doFilter(gatewayRequest(), this.response, (req, res) -> {
				this.response.setStatus(200);
				this.response.flushBuffer();
				throw new ClientAbortException("Connection reset by peer");
			});
		}
		catch (Exception ex) {
			assertThat(ex).isInstanceOf(ClientAbortException.class);
		}
		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("status", "200")
			.hasLowCardinalityKeyValue("outcome", "UNKNOWN")
			.doesNotHaveError();
	}

	@Test
	void asyncRequestEndsWhenTheAsyncRequestCompletesAndAnAsyncDispatchStartsNoSecondObservation() throws Exception {
		MockHttpServletRequest request = gatewayRequest();
		request.setAsyncSupported(true);
		this.filter.doFilter(request, this.response, (req, res) -> req.startAsync());
		assertThat(this.registry).hasSingleObservationThat().hasBeenStarted().isNotStopped();
		// The async dispatch: the same observation, current again.
		request.setDispatcherType(DispatcherType.ASYNC);
		Observation[] current = new Observation[1];
		this.filter.doFilter(request, this.response, (req, res) -> {
			current[0] = this.registry.getCurrentObservation();
			this.response.setStatus(202);
		});
		assertThat(current[0]).isNotNull();
		assertThat(this.registry).hasSingleObservationThat().isNotStopped();
		((MockAsyncContext) request.getAsyncContext()).complete();
		assertThat(this.registry).hasSingleObservationThat()
			.hasBeenStopped()
			.hasLowCardinalityKeyValue("status", "202");
	}

	@Test
	void asyncErrorIsRecordedWhenTheAsyncRequestCompletes() throws Exception {
		MockHttpServletRequest request = gatewayRequest();
		request.setAsyncSupported(true);
		this.filter.doFilter(request, this.response, (req, res) -> req.startAsync());
		MockAsyncContext async = (MockAsyncContext) request.getAsyncContext();
		IllegalStateException failure = new IllegalStateException("deferred result failed");
		this.response.setStatus(500);
		async.getListeners()
			.forEach((listener) -> callOnError(listener, new jakarta.servlet.AsyncEvent(async, failure)));
		async.complete();
		assertThat(this.registry).hasSingleObservationThat()
			.hasLowCardinalityKeyValue("status", "500")
			.hasError(failure);
	}

	private static void callOnError(jakarta.servlet.AsyncListener listener, jakarta.servlet.AsyncEvent event) {
		try {
			listener.onError(event);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static MockHttpServletRequest gatewayRequest() {
		MockHttpServletRequest request = new MockHttpServletRequest("GET", "/orders/1");
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 20);
		headers.forEach(request::addHeader);
		return request;
	}

	/**
	 * Named as Tomcat's, which is how the filter tells a client that went away.
	 */
	static class ClientAbortException extends IOException {

		ClientAbortException(String message) {
			super(message);
		}

	}

}
