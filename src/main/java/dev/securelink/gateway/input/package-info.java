/**
 * Input rules that several features of the admin API share: the shape of a tenant id, and
 * the bad-input error that every feature throws and the admin API's one error handler
 * turns into a problem detail naming the field. Here, not in {@code admin}, so that the
 * features depend on it and {@code admin} on them, never both ways.
 */
@NullMarked
package dev.securelink.gateway.input;

import org.jspecify.annotations.NullMarked;
