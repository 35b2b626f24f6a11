/**
 * Which PostgreSQL the gateway uses: the configured server, or a real embedded one with
 * its data under {@code ./data/} when none is configured.
 */
@NullMarked
package dev.securelink.gateway.database;

import org.jspecify.annotations.NullMarked;
