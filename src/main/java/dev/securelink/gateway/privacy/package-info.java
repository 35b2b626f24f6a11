/**
 * The company's GDPR promises, enforced and evidenced: who has access, the audit events
 * and the verification of their hash chain, a document's evidence export, and retention.
 */
package dev.securelink.gateway.privacy;
