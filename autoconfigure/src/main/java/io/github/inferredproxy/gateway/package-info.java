/**
 * Reading and validating the API gateway's {@code x-dd-proxy-*} request headers.
 */
@NullMarked
package io.github.inferredproxy.gateway;

import org.jspecify.annotations.NullMarked;
