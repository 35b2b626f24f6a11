/**
 * The gateway's secrets: the e-mail pepper, the session signing keys and the assertion
 * key, validated at start-up with every problem named at once; development keys for the
 * embedded default.
 */
@NullMarked
package dev.securelink.gateway.keys;

import org.jspecify.annotations.NullMarked;
