/**
 * The company's GDPR promises, enforced and evidenced: who has access, the audit events
 * and the verification of their hash chain, a document's evidence export, and retention.
 */
@NullMarked
package dev.securelink.gateway.privacy;

import org.jspecify.annotations.NullMarked;
