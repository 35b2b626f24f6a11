/**
 * Secure links: the per-document code (stored only as its hash), the recipients (stored
 * only as HMACs), and the admin API that creates, lists and revokes them.
 */
@NullMarked
package dev.securelink.gateway.link;

import org.jspecify.annotations.NullMarked;
