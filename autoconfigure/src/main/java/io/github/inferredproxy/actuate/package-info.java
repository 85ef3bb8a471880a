/**
 * Actuator support: the {@code inferredproxy} endpoint.
 */
@NullMarked
package io.github.inferredproxy.actuate;

import org.jspecify.annotations.NullMarked;
