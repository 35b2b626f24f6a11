/**
 * Mails to visitors (the e-mail code): written into an outbox in the transaction that
 * asks for them, composed in the visitor's language and sent through SMTP by workers on
 * every instance, with the webhook outbox's machinery ({@code OutboxWorker}).
 */
@NullMarked
package dev.securelink.gateway.mail;

import org.jspecify.annotations.NullMarked;
