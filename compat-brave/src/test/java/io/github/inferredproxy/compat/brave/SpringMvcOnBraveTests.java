package io.github.inferredproxy.compat.brave;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

/**
 * The gateway span on Brave with Spring MVC on Tomcat.
 */
@SpringBootTest(classes = BraveTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=servlet", AbstractGatewaySpanOnBraveTests.SAMPLING,
				AbstractGatewaySpanOnBraveTests.PROPAGATION, AbstractGatewaySpanOnBraveTests.EXPORT,
				AbstractGatewaySpanOnBraveTests.APPLICATION })
class SpringMvcOnBraveTests extends AbstractGatewaySpanOnBraveTests {

	@Override
	String expectedWebServer() {
		return "TomcatWebServer";
	}

}
