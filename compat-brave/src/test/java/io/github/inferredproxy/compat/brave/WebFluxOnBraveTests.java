package io.github.inferredproxy.compat.brave;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The gateway span on Brave with Spring WebFlux on Reactor Netty.
 */
@SpringBootTest(classes = BraveTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=reactive", AbstractGatewaySpanOnBraveTests.SAMPLING,
				AbstractGatewaySpanOnBraveTests.PROPAGATION, AbstractGatewaySpanOnBraveTests.EXPORT,
				AbstractGatewaySpanOnBraveTests.APPLICATION })
class WebFluxOnBraveTests extends AbstractGatewaySpanOnBraveTests {

	@Override
	String expectedWebServer() {
		return "NettyWebServer";
	}

}
