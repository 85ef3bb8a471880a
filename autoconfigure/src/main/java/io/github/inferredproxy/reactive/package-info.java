/**
 * Reactive (Spring WebFlux) instrumentation of inferred gateway spans.
 */
@NullMarked
package io.github.inferredproxy.reactive;

import org.jspecify.annotations.NullMarked;
