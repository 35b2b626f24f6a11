/** Tenants and their privacy settings: e-mail verification and support access. */
@NullMarked
package dev.securelink.gateway.tenant;

import org.jspecify.annotations.NullMarked;
