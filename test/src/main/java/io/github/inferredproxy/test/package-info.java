/**
 * Test support for inferred gateway spans:
 * {@link io.github.inferredproxy.test.AutoConfigureGatewaySpans}, the
 * {@link io.github.inferredproxy.test.GatewaySpans} recorder, gateway header builders and
 * assertions.
 */
@NullMarked
package io.github.inferredproxy.test;

import org.jspecify.annotations.NullMarked;
