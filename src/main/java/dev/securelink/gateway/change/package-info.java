/**
 * Cross-instance invalidation: changes are announced with PostgreSQL NOTIFY inside the
 * changing transaction and received by every instance's LISTEN feed, which tells the
 * caches what to forget.
 */
@NullMarked
package dev.securelink.gateway.change;

import org.jspecify.annotations.NullMarked;
