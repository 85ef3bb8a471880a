/**
 * A one-endpoint application for the side-by-side load test.
 */
@NullMarked
package io.github.inferredproxy.benchmarks.minimal;

import org.jspecify.annotations.NullMarked;
