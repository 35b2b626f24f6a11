/**
 * Which PostgreSQL the gateway uses: the configured server, or a real embedded one with
 * its data under {@code ./data/} when none is configured.
 */
package dev.securelink.gateway.database;
