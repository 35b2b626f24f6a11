/**
 * The link flow a customer meets: the code check, the e-mail prompt with its CSRF token,
 * the per-link lock and per-IP budgets against guessing, and the exchange of a verified
 * code for a session.
 */
@NullMarked
package dev.securelink.gateway.access;

import org.jspecify.annotations.NullMarked;
