/**
 * JMH benchmarks of the starter's per-request paths.
 */
@NullMarked
package io.github.inferredproxy.benchmarks;

import org.jspecify.annotations.NullMarked;
