package io.github.inferredproxy.reactive;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
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
 * The trust policy on Reactor Netty: gateway headers count only with the shared secret
 * and from a trusted network (the tests connect from 127.0.0.1). An untrusted request is
 * served as without gateway headers and counted as {@code untrusted}.
 */
@ReactiveIntegrationTest
@TestPropertySource(properties = { "inferred-proxy.trust.shared-secret=s3cret-from-the-gateway",
		"inferred-proxy.trust.networks=127.0.0.0/8, ::1" })
class ReactiveTrustTests {

	private static final String SECRET_HEADER = "x-dd-proxy-secret";

	private static final AttributeKey<String> HTTP_URL = AttributeKey.stringKey("http.url");

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

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
		HttpResponse<String> response = this.client.get("/orders/" + id, headers);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("order " + id);
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		assertThat(gateway.getName()).isEqualTo("aws.apigateway");
		assertThat(awaitServerSpan(id).getParentSpanId()).isEqualTo(gateway.getSpanId());
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
		String id = UUID.randomUUID().toString();
		HttpResponse<String> baseline = this.client.get("/orders/" + id, Map.of());
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		if (secret != null) {
			headers.put(SECRET_HEADER, secret);
		}
		double untrustedBefore = untrusted();
		HttpResponse<String> response = this.client.get("/orders/" + id, headers);
		assertThat(response.statusCode()).isEqualTo(baseline.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(baseline.body()).isEqualTo("order " + id);
		assertThat(response.headers().map().keySet()).isEqualTo(baseline.headers().map().keySet());
		awaitUntrusted(untrustedBefore + 1);
		// Both requests were served as without gateway headers: two root server spans.
		await("two server spans of /orders/" + id).atMost(Duration.ofSeconds(10))
			.until(() -> serverSpans(id).count() == 2);
		assertThat(serverSpans(id))
			.allSatisfy((server) -> assertThat(server.getParentSpanContext().isValid()).isFalse());
		assertThat(this.spans.all()).noneMatch((span) -> GatewayHeaders.gatewayPath(id)
			.equals(span.getAttributes().get(AttributeKey.stringKey("url.path"))));
	}

	SpanData awaitServerSpan(String id) {
		return this.spans.await("server span of /orders/" + id,
				(span) -> ("/orders/" + id).equals(span.getAttributes().get(HTTP_URL)));
	}

	java.util.stream.Stream<SpanData> serverSpans(String id) {
		return this.spans.all().stream().filter((span) -> ("/orders/" + id).equals(span.getAttributes().get(HTTP_URL)));
	}

	double untrusted() {
		return this.meterRegistry.get("inferred.proxy.rejected").tag("reason", "untrusted").counter().count();
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
