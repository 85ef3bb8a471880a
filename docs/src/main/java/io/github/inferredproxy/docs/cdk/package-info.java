/**
 * The AWS CDK for Java recipe of the gateway set-up guide, compiled and synthesized by
 * the build.
 */
package io.github.inferredproxy.docs.cdk;
