package io.github.inferredproxy.gateway;

import org.jspecify.annotations.Nullable;

/**
 * Reads one request header, whatever the web stack.
 *
 * @author Inferred Proxy contributors
 */
@FunctionalInterface
public interface HeaderLookup {

	/**
	 * Return the first value of a header, its name matched ignoring case.
	 * @param name the header name, in lower case
	 * @return the first value, or {@code null} when the request has no such header
	 */
	@Nullable String firstValue(String name);

}
