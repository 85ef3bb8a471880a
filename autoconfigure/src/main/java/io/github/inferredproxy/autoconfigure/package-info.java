/**
 * Auto-configuration of inferred gateway spans.
 */
@NullMarked
package io.github.inferredproxy.autoconfigure;

import org.jspecify.annotations.NullMarked;
