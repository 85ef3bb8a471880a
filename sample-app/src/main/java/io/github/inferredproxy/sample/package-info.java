/**
 * The sample application: an orders API behind the gateway stand-in.
 */
@NullMarked
package io.github.inferredproxy.sample;

import org.jspecify.annotations.NullMarked;
