/**
 * The document space {@code /d/{linkId}/**}: confinement, session and action checks, then the streaming proxy hop
 * to the document service with filtered headers and a signed assertion; the JWKS that verifies it.
 */
package dev.securelink.gateway.proxy;
