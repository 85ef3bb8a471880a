package io.github.inferredproxy.autoconfigure;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when inferred gateway spans are enabled: {@code inferred-proxy.enabled} if set,
 * else Datadog's {@code dd.trace.inferred.proxy.services.enabled} (which also reads the
 * environment variable {@code DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED}), else true.
 * <p>
 * Ahead-of-time processing evaluates conditions once, at build time; the
 * auto-configuration therefore asks {@link #isEnabled(Environment)} again at start-up, so
 * that both switches work in an AOT-processed application too.
 *
 * @author Inferred Proxy contributors
 */
class OnInferredProxyEnabledCondition extends SpringBootCondition {

	static final String PROPERTY = "inferred-proxy.enabled";

	static final String DATADOG_PROPERTY = "dd.trace.inferred.proxy.services.enabled";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		return outcome(context.getEnvironment());
	}

	/**
	 * Whether inferred gateway spans are enabled, read from the environment now.
	 * @param environment the environment
	 * @return the outcome, with the reason
	 * @throws InvalidConfigurationPropertyValueException when a switch is not a boolean
	 */
	static ConditionOutcome outcome(Environment environment) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("Inferred proxy enabled");
		Switch decided = decidingSwitch(environment);
		if (decided == null) {
			return ConditionOutcome
				.match(message.because("on by default: neither " + PROPERTY + " nor " + DATADOG_PROPERTY + " is set"));
		}
		return new ConditionOutcome(decided.enabled(), message.because(decided.name() + " is " + decided.enabled()));
	}

	/**
	 * Say which switch turns inferred gateway spans off, if one does.
	 * @param environment the environment
	 * @return for example {@code inferred-proxy.enabled=false}, or {@code null} when they
	 * are on
	 */
	static @Nullable String offSwitch(Environment environment) {
		Switch decided = decidingSwitch(environment);
		if (decided == null || decided.enabled()) {
			return null;
		}
		return decided.name().equals(DATADOG_PROPERTY)
				? DATADOG_PROPERTY + "=false (or DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED=false)" : PROPERTY + "=false";
	}

	private static @Nullable Switch decidingSwitch(Environment environment) {
		for (String name : new String[] { PROPERTY, DATADOG_PROPERTY }) {
			String value = environment.getProperty(name);
			// An empty value counts as not set: deployment templates often render an
			// unset
			// variable (DD_TRACE_INFERRED_PROXY_SERVICES_ENABLED=) as an empty one, and
			// that
			// must not fail start-up. Spring's own property conditions do not fail on it
			// either.
			if (value != null && !value.isBlank()) {
				return new Switch(name, parse(name, value.strip()));
			}
		}
		return null;
	}

	// The values Spring's own boolean conversion accepts.
	private static boolean parse(String name, String value) {
		return switch (value.toLowerCase(Locale.ROOT)) {
			case "true", "on", "yes", "1" -> true;
			case "false", "off", "no", "0" -> false;
			// Boot's failure analyzer turns this into a start-up report naming the
			// origin.
			default ->
				throw new InvalidConfigurationPropertyValueException(name, value, "Set it to 'true' or 'false'.");
		};
	}

	private record Switch(String name, boolean enabled) {

	}

}
