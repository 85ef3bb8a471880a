package io.github.inferredproxy.servlet;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trust policy on Tomcat: gateway headers count only with the shared secret and from
 * a trusted network (the tests connect from 127.0.0.1). An untrusted request is served as
 * without gateway headers and counted as {@code untrusted}.
 */
@InferredProxyServletTest
@TestPropertySource(properties = { "inferred-proxy.trust.shared-secret=s3cret-from-the-gateway",
		"inferred-proxy.trust.networks=127.0.0.0/8, ::1" })
class ServletTrustTests {

	private static final String SECRET_HEADER = "x-dd-proxy-secret";

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	GatewayObservationRecorder gatewayObservations;

	@Autowired
	MeterRegistry meterRegistry;

	TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
	}

	@Test
	void requestWithTheSecretFromATrustedNetworkGetsAGatewaySpan() throws Exception {
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.put(SECRET_HEADER, "s3cret-from-the-gateway");
		double untrustedBefore = untrusted();
		HttpResponse<String> response = this.client.get("/trace", headers);
		assertThat(response.statusCode()).isEqualTo(200);
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		assertThat(gateway.getName()).isEqualTo("aws.apigateway");
		String serverSpanId = response.body().split(" ")[1];
		SpanData server = this.spans.await("server span", (span) -> span.getSpanId().equals(serverSpanId));
		assertThat(server.getParentSpanId()).isEqualTo(gateway.getSpanId());
		assertThat(untrusted()).isEqualTo(untrustedBefore);
	}

	@Test
	void requestWithoutTheSecretGetsNoGatewaySpan() throws Exception {
		assertUntrustedAndServedAsWithoutHeaders(null);
	}

	@Test
	void requestWithAWrongSecretGetsNoGatewaySpan() throws Exception {
		assertUntrustedAndServedAsWithoutHeaders("s3cret-from-the-client");
	}

	@Test
	void requestWithoutGatewayHeadersIsNotCounted() throws Exception {
		double untrustedBefore = untrusted();
		assertThat(this.client.get("/orders/1", Map.of()).statusCode()).isEqualTo(200);
		assertThat(untrusted()).isEqualTo(untrustedBefore);
	}

	void assertUntrustedAndServedAsWithoutHeaders(String secret) throws Exception {
		HttpResponse<String> baseline = this.client.get("/trace", Map.of());
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		if (secret != null) {
			headers.put(SECRET_HEADER, secret);
		}
		double untrustedBefore = untrusted();
		HttpResponse<String> response = this.client.get("/trace", headers);
		assertThat(response.statusCode()).isEqualTo(baseline.statusCode()).isEqualTo(200);
		assertThat(response.body()).matches("[0-9a-f]{32} [0-9a-f]{16}");
		assertThat(response.headers().map().keySet()).isEqualTo(baseline.headers().map().keySet());
		assertThat(this.gatewayObservations.starts(id)).isZero();
		awaitUntrusted(untrustedBefore + 1);
		String serverSpanId = response.body().split(" ")[1];
		SpanData server = this.spans.await("server span", (span) -> span.getSpanId().equals(serverSpanId));
		assertThat(server.getParentSpanContext().isValid()).isFalse();
	}

	double untrusted() {
		Counter counter = this.meterRegistry.find("inferred.proxy.rejected").tag("reason", "untrusted").counter();
		assertThat(counter).as("inferred.proxy.rejected{reason=untrusted}").isNotNull();
		return counter.count();
	}

	void awaitUntrusted(double expected) {
		await("rejected{reason=untrusted}").atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(10))
			.until(this::untrusted, (count) -> count >= expected);
		assertThat(untrusted()).isEqualTo(expected);
	}

	/**
	 * The same secret, but the tests' address is not in the trusted networks.
	 */
	@Nested
	@TestPropertySource(properties = "inferred-proxy.trust.networks=10.0.0.0/8")
	class FromAnUntrustedNetwork {

		@Test
		void requestWithTheSecretGetsNoGatewaySpan() throws Exception {
			assertUntrustedAndServedAsWithoutHeaders("s3cret-from-the-gateway");
		}

	}

}
