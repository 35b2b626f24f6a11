/**
 * The connection edge, what every request passes before a feature sees it: request-head
 * and body deadlines, the client's address behind trusted proxies, security headers on
 * every answer, the drain on shutdown, the access log and the same-origin rule for
 * requests that change state. It knows no feature; it writes a refusal with the
 * {@code page} package.
 */
@NullMarked
package dev.securelink.gateway.edge;

import org.jspecify.annotations.NullMarked;
