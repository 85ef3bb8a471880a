package io.github.inferredproxy.servlet;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.github.inferredproxy.testsupport.TestHttpClient.RawResponse;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Malformed, hostile and implausible gateway headers never change the response: the
 * request is served exactly as without them, gets no gateway span, and is counted in
 * {@code inferred.proxy.rejected{reason}}.
 */
@InferredProxyServletTest
class ServletHeaderSafetyTests {

	private static final String REJECTED = "inferred.proxy.rejected";

	@LocalServerPort
	int port;

	@Autowired
	RecordedSpans spans;

	@Autowired
	GatewayObservationRecorder gatewayObservations;

	@Autowired
	MeterRegistry meterRegistry;

	private TestHttpClient client;

	@BeforeEach
	void setUp() {
		this.client = new TestHttpClient(this.port);
	}

	// One value per reason through the whole stack; GatewayHeaderParserTests has the
	// parser's cases value by value. The empty value is Tomcat's to pass on.
	@ParameterizedTest(name = "x-dd-proxy-request-time-ms: [{0}] -> {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '`', value = { "1.7e12 | malformed-request-time",
			"`` | missing-request-time", "1700000000 | request-time-too-old" })
	void malformedRequestTimeIsRejectedWithoutChangingTheResponse(String time, String reason) throws Exception {
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(0, id);
		headers.put("x-dd-proxy-request-time-ms", time);
		assertRejectedAndServedAsWithoutHeaders(id, headers, reason);
	}

	@ParameterizedTest(name = "x-dd-proxy: [{0}] -> {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '`',
			value = { "aws apigateway | unsupported-system", "`` | unsupported-system" })
	void unsupportedSystemIsRejectedWithoutChangingTheResponse(String system, String reason) throws Exception {
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.put("x-dd-proxy", system);
		assertRejectedAndServedAsWithoutHeaders(id, headers, reason);
	}

	@Test
	void missingRequestTimeIsRejectedWithoutChangingTheResponse() throws Exception {
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.remove("x-dd-proxy-request-time-ms");
		assertRejectedAndServedAsWithoutHeaders(id, headers, "missing-request-time");
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			value = { "x-dd-proxy: aws-apigateway\u0085 | invalid-header",
					"x-dd-proxy-request-time-ms: 1700000000000\u0085 | invalid-header",
					"x-dd-proxy: aws-api\u00adgateway | unsupported-system" })
	void controlCharactersThatTomcatLetThroughAreRejectedWithoutChangingTheResponse(String headerLine, String reason)
			throws Exception {
		RawResponse baseline = this.client.rawGet("/orders/42");
		double before = rejected(reason);
		String id = UUID.randomUUID().toString();
		String time = Long.toString(System.currentTimeMillis() - 50);
		String line = headerLine.replace("1700000000000", time);
		String[] lines = line.startsWith("x-dd-proxy:") ? new String[] { line, "x-dd-proxy-request-time-ms: " + time }
				: new String[] { "x-dd-proxy: aws-apigateway", line };
		RawResponse response = this.client.rawGet("/orders/42", lines[0], lines[1],
				GatewayObservationRecorder.REQUEST_ID_HEADER + ": " + id);
		assertThat(response.statusCode()).isEqualTo(baseline.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo(baseline.body());
		assertThat(this.gatewayObservations.starts(id)).isZero();
		awaitRejected(reason, before + 1);
	}

	@Test
	void oversizedValuesAreCutToTheAttributeLimit() throws Exception {
		String id = UUID.randomUUID().toString();
		Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
		headers.put("x-dd-proxy-domain-name", "d".repeat(3000) + ".example.com");
		headers.put("x-dd-proxy-resource-path", "/" + "r".repeat(3000));
		headers.put("x-dd-proxy-stage", "s".repeat(1000));
		HttpResponse<String> response = this.client.get("/orders/42", headers);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("order 42");
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		assertThat(gateway.getAttributes().asMap())
			.allSatisfy((key, value) -> assertThat(String.valueOf(value)).as("attribute %s", key.getKey())
				.hasSizeLessThanOrEqualTo(GatewayHeaderParser.MAX_VALUE_LENGTH));
		assertThat(gateway.getAttributes().get(AttributeKey.stringKey("server.address")))
			.hasSize(GatewayHeaderParser.MAX_VALUE_LENGTH);
	}

	@Test
	void requestTimeSlightlyInTheFutureIsClampedToTheReceiptTime() throws Exception {
		String id = UUID.randomUUID().toString();
		long sentMillis = System.currentTimeMillis();
		long gatewayMillis = sentMillis + 2000;
		HttpResponse<String> response = this.client.get("/orders/42", GatewayHeaders.restApi(gatewayMillis, id));
		long receivedMillis = System.currentTimeMillis();
		assertThat(response.statusCode()).isEqualTo(200);
		SpanData gateway = this.spans.awaitGatewaySpan(id);
		SpanData server = this.spans.awaitChildOf(gateway);
		assertThat(TimeUnit.NANOSECONDS.toMillis(gateway.getStartEpochNanos())).isBetween(sentMillis, receivedMillis);
		assertThat(gateway.getStartEpochNanos()).isLessThanOrEqualTo(server.getStartEpochNanos());
		long skew = gateway.getAttributes().get(AttributeKey.longKey("inferred_proxy.clock_skew_ms"));
		assertThat(skew).isBetween(gatewayMillis - receivedMillis, 2000L);
	}

	@ParameterizedTest(name = "{0} ms from now -> {1}")
	@CsvSource({ "60000, request-time-in-future", "-600000, request-time-too-old" })
	void implausibleRequestTimeIsRejected(long offsetMillis, String reason) throws Exception {
		String id = UUID.randomUUID().toString();
		assertRejectedAndServedAsWithoutHeaders(id,
				GatewayHeaders.restApi(System.currentTimeMillis() + offsetMillis, id), reason);
	}

	private void assertRejectedAndServedAsWithoutHeaders(String id, Map<String, String> headers, String reason)
			throws Exception {
		HttpResponse<String> baseline = this.client.get("/trace", Map.of());
		double before = rejected(reason);
		HttpResponse<String> response = this.client.get("/trace", headers);
		assertThat(response.statusCode()).isEqualTo(baseline.statusCode()).isEqualTo(200);
		// The body is the server span's trace and span id: served, and traced, as usual.
		assertThat(response.body()).matches("[0-9a-f]{32} [0-9a-f]{16}");
		assertThat(response.headers().map().keySet()).isEqualTo(baseline.headers().map().keySet());
		// Started on the request thread before the response was written, so final now.
		assertThat(this.gatewayObservations.starts(id)).isZero();
		awaitRejected(reason, before + 1);
		String spanId = response.body().split(" ")[1];
		SpanData server = this.spans.await("server span", (span) -> span.getSpanId().equals(spanId));
		assertThat(server.getParentSpanContext().isValid()).isFalse();
	}

	private double rejected(String reason) {
		Counter counter = this.meterRegistry.find(REJECTED).tag("reason", reason).counter();
		assertThat(counter).as("counter %s{reason=%s}", REJECTED, reason).isNotNull();
		return counter.count();
	}

	private void awaitRejected(String reason, double expected) {
		await("rejected{reason=" + reason + "}").atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(10))
			.until(() -> rejected(reason), (count) -> count >= expected);
		assertThat(rejected(reason)).isEqualTo(expected);
	}

}
