/**
 * The document space {@code /d/{linkId}/**}, served by a Reactor Netty route ahead of
 * WebFlux: confinement, session and action checks, then the streaming proxy hop to the
 * document service with filtered headers and a signed assertion; its pages through
 * WebFlux; the JWKS that verifies the assertion.
 */
@NullMarked
package dev.securelink.gateway.proxy;

import org.jspecify.annotations.NullMarked;
