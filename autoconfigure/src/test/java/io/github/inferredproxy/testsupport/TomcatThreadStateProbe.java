package io.github.inferredproxy.testsupport;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import jakarta.servlet.ServletException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * A Tomcat valve, outside every servlet filter, that checks on each REQUEST and ASYNC
 * dispatch, before and after the filters ran, that the worker thread carries no current
 * observation, observation scope, OpenTelemetry context or Micrometer span. Whatever a
 * request leaves behind on a pooled thread is seen by the next dispatch on that thread.
 */
public final class TomcatThreadStateProbe extends ValveBase {

	private final ObjectProvider<ObservationRegistry> observationRegistry;

	private final ObjectProvider<Tracer> tracer;

	private final List<String> leftovers = new CopyOnWriteArrayList<>();

	private final AtomicLong checks = new AtomicLong();

	TomcatThreadStateProbe(ObjectProvider<ObservationRegistry> observationRegistry, ObjectProvider<Tracer> tracer) {
		super(true);
		this.observationRegistry = observationRegistry;
		this.tracer = tracer;
	}

	@Override
	public void invoke(Request request, Response response) throws IOException, ServletException {
		String dispatch = request.getDispatcherType() + " " + request.getRequestURI();
		check("before " + dispatch);
		try {
			getNext().invoke(request, response);
		}
		finally {
			check("after " + dispatch);
		}
	}

	private void check(String when) {
		this.checks.incrementAndGet();
		List<String> found = ThreadState.leftovers(this.observationRegistry.getIfAvailable(),
				this.tracer.getIfAvailable());
		if (!found.isEmpty()) {
			this.leftovers.add(Thread.currentThread().getName() + " " + when + ": " + found);
		}
	}

	/**
	 * Return what was found current where nothing should have been.
	 * @return one line per offending check
	 */
	public List<String> leftovers() {
		return List.copyOf(this.leftovers);
	}

	/**
	 * Return how many checks ran, to show the probe is in the request path at all.
	 * @return the number of checks
	 */
	public long checks() {
		return this.checks.get();
	}

	/**
	 * Adds the probe to Tomcat's context pipeline.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	public static class Config {

		@Bean
		TomcatThreadStateProbe threadStateProbe(ObjectProvider<ObservationRegistry> observationRegistry,
				ObjectProvider<Tracer> tracer) {
			return new TomcatThreadStateProbe(observationRegistry, tracer);
		}

		@Bean
		TomcatContextCustomizer threadStateProbeCustomizer(TomcatThreadStateProbe probe) {
			return (context) -> context.getPipeline().addValve(probe);
		}

	}

}
