package io.github.inferredproxy.reactive;

import java.util.Map;
import java.util.function.Consumer;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile gateway headers on WebFlux: the request is served as without the
 * starter, and the rejection is counted with its reason. The parser's cases, value by
 * value, are in {@code GatewayHeaderParserTests}; here are one rejection through the
 * whole stack and the bytes whose fate only Reactor Netty's header handling decides.
 */
@ReactiveIntegrationTest
class ReactiveSafetyTests {

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	MeterRegistry meterRegistry;

	TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.spans.reset();
		this.client = new TestHttpClient(this.port);
	}

	@Test
	void missingRequestTimeIsRejected() throws Exception {
		assertRejected("missing-request-time", (headers) -> headers.remove("x-dd-proxy-request-time-ms"));
	}

	@Test
	void controlCharacterInRequiredHeaderIsRejected() throws Exception {
		// Sent as the ISO-8859-1 byte 0x85 (NEL); well-behaved clients refuse to send it.
		assertRejectedOverRawSocket("invalid-header", (headers) -> headers.put("x-dd-proxy", "aws-apigateway\u0085"));
	}

	@Test
	void nonAsciiDigitsInRequestTimeAreRejected() throws Exception {
		// Superscript two (0xB2) is a digit to Character.isDigit but not to the parser.
		assertRejectedOverRawSocket("malformed-request-time",
				(headers) -> headers.put("x-dd-proxy-request-time-ms", "\u00b2" + System.currentTimeMillis()));
	}

	@Test
	void overlongOptionalValueIsCutAndRequestServed() throws Exception {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		headers.put("x-dd-proxy-domain-name", "a".repeat(5_000));
		assertThat(this.client.get("/orders/42", headers).statusCode()).isEqualTo(200);
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("server.address"))).hasSize(2048);
	}

	@Test
	void controlCharacterInOptionalValueDropsOnlyThatAttribute() throws Exception {
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		headers.put("x-dd-proxy-stage", "prod\u0085");
		assertThat(this.client.rawGet("/orders/42", headers).statusCode()).isEqualTo(200);
		SpanData gateway = this.spans.awaitNamed("aws.apigateway");
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("stage"))).isNull();
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders/{id}");
	}

	private void assertRejected(String reason, Consumer<Map<String, String>> spoil) throws Exception {
		assertRejected(reason, spoil, false);
	}

	private void assertRejectedOverRawSocket(String reason, Consumer<Map<String, String>> spoil) throws Exception {
		assertRejected(reason, spoil, true);
	}

	private void assertRejected(String reason, Consumer<Map<String, String>> spoil, boolean rawSocket)
			throws Exception {
		this.spans.reset();
		double rejectedBefore = rejected(reason);
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 100);
		spoil.accept(headers);
		int status = rawSocket ? this.client.rawGet("/orders/42", headers).statusCode()
				: this.client.get("/orders/42", headers).statusCode();
		assertThat(status).isEqualTo(200);
		assertThat(rejected(reason)).isEqualTo(rejectedBefore + 1);
		SpanData server = this.spans.awaitServerSpan("/orders/{id}");
		// A gateway span would have been the server span's parent.
		assertThat(server.getParentSpanContext().isValid()).isFalse();
	}

	private double rejected(String reason) {
		return this.meterRegistry.get("inferred.proxy.rejected").tag("reason", reason).counter().count();
	}

}
