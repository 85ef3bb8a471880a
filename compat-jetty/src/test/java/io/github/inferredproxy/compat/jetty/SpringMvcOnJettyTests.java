package io.github.inferredproxy.compat.jetty;

import io.github.inferredproxy.test.AutoConfigureGatewaySpans;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

@SpringBootTest(classes = JettyTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.main.web-application-type=servlet")
@AutoConfigureGatewaySpans
class SpringMvcOnJettyTests extends AbstractGatewaySpanOnJettyTests {

}
