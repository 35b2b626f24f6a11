/**
 * Document sessions: signed cookies (HS256 JWS with key ids), their limits, and the check
 * that binds each one to its link's current state and its tenant's settings.
 */
@NullMarked
package dev.securelink.gateway.session;

import org.jspecify.annotations.NullMarked;
