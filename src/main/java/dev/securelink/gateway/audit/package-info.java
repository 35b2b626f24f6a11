/**
 * The durable, append-only audit trail of what happened to links and settings, and who
 * did it.
 */
package dev.securelink.gateway.audit;
