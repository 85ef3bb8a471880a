package io.github.inferredproxy.benchmarks;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.inferredproxy.gateway.GatewayHeaderParser;
import io.github.inferredproxy.gateway.GatewayRequest;
import io.github.inferredproxy.gateway.HeaderLookup;
import io.github.inferredproxy.gateway.TrustPolicy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Parsing and validating the full set of eleven gateway headers (the user header
 * included) into a {@link GatewayRequest}: from a plain map, and from a servlet request
 * with common browser headers too. {@code baseline*} reads the same eleven headers and
 * nothing else.
 *
 * @author Inferred Proxy contributors
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class GatewayHeaderParserBenchmark {

	private final GatewayHeaderParser parser = new GatewayHeaderParser(Duration.ofMinutes(5), Duration.ofSeconds(5),
			true, TrustPolicy.none());

	private long receivedEpochMillis;

	private HeaderLookup mapLookup;

	private MockHttpServletRequest servletRequest;

	private String[] names;

	@Setup
	public void setUp() {
		// A fixed "now", so that the time stays valid however long the run.
		this.receivedEpochMillis = System.currentTimeMillis();
		Map<String, String> gateway = GatewayHeaders.gateway(this.receivedEpochMillis - 250);
		Map<String, String> headers = new HashMap<>(GatewayHeaders.common());
		headers.putAll(gateway);
		this.mapLookup = headers::get;
		this.servletRequest = new MockHttpServletRequest("GET", GatewayHeaders.PATH);
		headers.forEach(this.servletRequest::addHeader);
		this.names = gateway.keySet().toArray(String[]::new);
		if (!(this.parser.parse(this.mapLookup, () -> null, this.receivedEpochMillis) instanceof GatewayRequest)) {
			throw new IllegalStateException("The header set does not parse");
		}
	}

	@Benchmark
	public void baselineMapLookups(Blackhole blackhole) {
		for (String name : this.names) {
			blackhole.consume(this.mapLookup.firstValue(name));
		}
	}

	@Benchmark
	public GatewayHeaderParser.Result parseFromMap() {
		return this.parser.parse(this.mapLookup, () -> null, this.receivedEpochMillis);
	}

	@Benchmark
	public void baselineServletLookups(Blackhole blackhole) {
		for (String name : this.names) {
			blackhole.consume(this.servletRequest.getHeader(name));
		}
	}

	@Benchmark
	public GatewayHeaderParser.Result parseFromServletRequest() {
		return this.parser.parse(this.servletRequest::getHeader, () -> null, this.receivedEpochMillis);
	}

}
