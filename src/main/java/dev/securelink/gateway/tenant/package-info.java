/** Tenants and their privacy settings: e-mail verification and support access. */
package dev.securelink.gateway.tenant;
