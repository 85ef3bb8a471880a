/**
 * Servlet (Spring MVC) instrumentation of inferred gateway spans.
 */
@NullMarked
package io.github.inferredproxy.servlet;

import org.jspecify.annotations.NullMarked;
