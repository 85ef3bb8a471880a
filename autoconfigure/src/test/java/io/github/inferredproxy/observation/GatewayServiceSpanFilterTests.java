package io.github.inferredproxy.observation;

import java.util.List;

import io.micrometer.tracing.otel.bridge.CompositeSpanExporter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GatewayServiceSpanFilter}, in the exporter pipeline that Spring Boot
 * builds on OpenTelemetry (Micrometer's {@link CompositeSpanExporter} applying the span
 * filters).
 */
class GatewayServiceSpanFilterTests {

	private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

	private static final AttributeKey<String> SERVICE = AttributeKey.stringKey("inferred_proxy.service");

	private final InMemorySpanExporter exported = InMemorySpanExporter.create();

	private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
		.setResource(Resource.create(Attributes.of(SERVICE_NAME, "orders", AttributeKey.stringKey("host.name"), "h1")))
		.addSpanProcessor(SimpleSpanProcessor.create(
				new CompositeSpanExporter(List.of(this.exported), null, null, List.of(new GatewayServiceSpanFilter()))))
		.build();

	private final Tracer tracer = this.tracerProvider.get("test");

	@AfterEach
	void close() {
		this.tracerProvider.close();
	}

	@Test
	void gatewaySpanIsExportedUnderItsService() {
		this.tracer.spanBuilder("aws.apigateway")
			.setSpanKind(SpanKind.SERVER)
			.setAttribute(SERVICE, "api.example.com")
			.startSpan()
			.end();
		SpanData gateway = single();
		assertThat(gateway.getResource().getAttribute(SERVICE_NAME)).isEqualTo("api.example.com");
		// Only the service changes: the rest of the application's resource stays.
		assertThat(gateway.getResource().getAttribute(AttributeKey.stringKey("host.name"))).isEqualTo("h1");
		assertThat(gateway.getAttributes().get(SERVICE)).isEqualTo("api.example.com");
	}

	@Test
	void serverSpanWithoutTheAttributeKeepsTheApplicationsService() {
		this.tracer.spanBuilder("http get /orders/{id}").setSpanKind(SpanKind.SERVER).startSpan().end();
		assertThat(single().getResource().getAttribute(SERVICE_NAME)).isEqualTo("orders");
	}

	@Test
	void onlyAServerSpanCanBeTheGatewaySpan() {
		this.tracer.spanBuilder("call")
			.setSpanKind(SpanKind.CLIENT)
			.setAttribute(SERVICE, "api.example.com")
			.startSpan()
			.end();
		assertThat(single().getResource().getAttribute(SERVICE_NAME)).isEqualTo("orders");
	}

	@Test
	void emptyServiceIsIgnored() {
		this.tracer.spanBuilder("aws.apigateway")
			.setSpanKind(SpanKind.SERVER)
			.setAttribute(SERVICE, "")
			.startSpan()
			.end();
		assertThat(single().getResource().getAttribute(SERVICE_NAME)).isEqualTo("orders");
	}

	private SpanData single() {
		List<SpanData> spans = this.exported.getFinishedSpanItems();
		assertThat(spans).hasSize(1);
		return spans.get(0);
	}

}
