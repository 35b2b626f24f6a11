/**
 * What every admin endpoint shares: bearer-token security with per-route scopes and
 * tenant matching, and the one handler that turns every error into an RFC 9457 problem
 * detail.
 */
@NullMarked
package dev.securelink.gateway.admin;

import org.jspecify.annotations.NullMarked;
