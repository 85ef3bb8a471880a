package io.github.inferredproxy.servlet;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import io.github.inferredproxy.servlet.ServletTraceContextTests.Upstream;
import io.github.inferredproxy.testsupport.GatewayHeaders;
import io.github.inferredproxy.testsupport.GatewayObservationRecorder;
import io.github.inferredproxy.testsupport.RecordedSpans;
import io.github.inferredproxy.testsupport.TestHttpClient;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.NestedTestConfiguration;
import org.springframework.test.context.NestedTestConfiguration.EnclosingConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With the gateway observation switched off by Spring Boot's
 * {@code management.observations.enable.inferred.proxy=false}, the starter's filter still
 * runs but starts nothing: a request with gateway headers is served and traced exactly as
 * without the starter. ({@code inferred-proxy.enabled=false} registers no filter at all,
 * as the auto-configuration tests show.)
 */
class ServletGatewaySpanSwitchedOffTests {

	abstract static class SwitchedOff {

		@LocalServerPort
		int port;

		@Autowired
		RecordedSpans spans;

		@Autowired
		GatewayObservationRecorder gatewayObservations;

		@Test
		void gatewayHeadersWithoutUpstreamContextLeaveTheServerSpanTheRoot() throws Exception {
			String id = UUID.randomUUID().toString();
			HttpResponse<String> response = new TestHttpClient(this.port).get("/trace",
					GatewayHeaders.restApi(System.currentTimeMillis() - 50, id));
			ServletTraceContextTests.Seen seen = ServletTraceContextTests.Seen.from(response);
			assertThat(this.gatewayObservations.starts(id)).isZero();
			SpanData server = this.spans.await("server span", (span) -> span.getSpanId().equals(seen.spanId()));
			assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
			assertThat(server.getParentSpanContext().isValid()).isFalse();
			assertThat(this.spans.all()).noneMatch((span) -> span.getName().equals("aws.apigateway"));
		}

		@Test
		void gatewayHeadersWithTraceparentLeaveTheServerSpanTheChildOfUpstream() throws Exception {
			Upstream upstream = Upstream.random();
			String id = UUID.randomUUID().toString();
			Map<String, String> headers = GatewayHeaders.restApi(System.currentTimeMillis() - 50, id);
			headers.put("traceparent", "00-" + upstream.traceId() + "-" + upstream.spanId() + "-01");
			ServletTraceContextTests.Seen seen = ServletTraceContextTests.Seen
				.from(new TestHttpClient(this.port).get("/trace", headers));
			assertThat(this.gatewayObservations.starts(id)).isZero();
			SpanData server = this.spans.await("server span", (span) -> span.getSpanId().equals(seen.spanId()));
			assertThat(server.getTraceId()).isEqualTo(upstream.traceId());
			assertThat(server.getParentSpanId()).isEqualTo(upstream.spanId());
		}

	}

	@Nested
	@NestedTestConfiguration(EnclosingConfiguration.OVERRIDE)
	@SpringBootTest(classes = ServletTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.tracing.sampling.probability=1.0", "spring.test.tracing.export=true",
					"management.observations.enable.inferred.proxy=false" })
	class ByObservationSwitch extends SwitchedOff {

	}

}
