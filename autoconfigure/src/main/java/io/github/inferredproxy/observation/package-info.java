/**
 * Micrometer Observation and Tracing support for the inferred gateway span: context,
 * convention, handlers.
 */
@NullMarked
package io.github.inferredproxy.observation;

import org.jspecify.annotations.NullMarked;
