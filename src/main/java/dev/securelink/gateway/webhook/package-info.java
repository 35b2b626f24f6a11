/**
 * Webhooks to the invoicing application: each tenant's endpoints, their signing secrets
 * (kept encrypted) and the catalogue of event types.
 */
@NullMarked
package dev.securelink.gateway.webhook;

import org.jspecify.annotations.NullMarked;
