/**
 * The durable, append-only audit trail of what happened to links and settings, and who
 * did it.
 */
@NullMarked
package dev.securelink.gateway.audit;

import org.jspecify.annotations.NullMarked;
