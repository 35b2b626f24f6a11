package dev.securelink.gateway.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.keys.Aead;
import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;

/**
 * Where mails are asked for: {@link #enqueue} writes one into the outbox in the caller's
 * transaction (so a mail exists exactly when the audit event that asks for it does), and
 * {@link MailWorker} sends it. The address, the code and the sender's name are stored
 * only sealed ({@link Aead}, under a key of the outbox's own), and cleared once the mail
 * is settled.
 */
@Component
public class MailOutbox {

	/** What a mail of the outbox is. */
	static final String CODE = "code";

	private final DatabaseClient db;

	private final Aead aead;

	private final JsonMapper json;

	private final boolean available;

	MailOutbox(DatabaseClient db, GatewayKeys keys, JsonMapper json, ObjectProvider<JavaMailSender> relay) {
		this.db = db;
		this.aead = new Aead(Hmac.sha256(keys.emailPepper(), "securelink mail v1"), "mail");
		this.json = json;
		this.available = relay.getIfAvailable() != null;
	}

	/**
	 * Whether a relay is configured ({@code spring.mail.host}): without one, no mail
	 * leaves.
	 */
	public boolean available() {
		return this.available;
	}

	/**
	 * Writes {@code mail} into the outbox when {@code send}, in the caller's transaction;
	 * otherwise runs the same statement, which then writes nothing, so that asking for a
	 * mail to a stranger's address costs what asking for a recipient's does.
	 */
	public Mono<Void> enqueue(CodeMail mail, boolean send, Instant now) {
		String id = "mail_" + Long.toHexString(ThreadLocalRandom.current().nextLong())
				+ Long.toHexString(ThreadLocalRandom.current().nextLong());
		Content content = new Content(mail.to(), mail.code(), mail.sender(),
				(int) Math.max(1, (Duration.between(now, mail.expiresAt()).toSeconds() + 30) / 60));
		byte[] sealed = this.aead.seal(id, this.json.writeValueAsBytes(content));
		return this.db.sql("""
				insert into mail_delivery (id, tenant_id, kind, locale, sealed, status, next_attempt_at, expires_at,
				                           created_at, updated_at)
				select :id, :tenant, :kind, :locale, :sealed, 'pending', :now, :expires, :now, :now where :send
				""")
			.bind("id", id)
			.bind("tenant", mail.tenantId())
			.bind("kind", CODE)
			.bind("locale", mail.locale().toLanguageTag())
			.bind("sealed", sealed)
			.bind("now", now)
			.bind("expires", mail.expiresAt())
			.bind("send", send)
			.then();
	}

	/** What {@link #enqueue} sealed on the mail {@code id}. */
	Content open(String id, byte[] sealed) {
		return this.json.readValue(this.aead.open(id, sealed), Content.class);
	}

	/**
	 * A mail with an e-mail code.
	 *
	 * @param locale the visitor's page language, the mail's
	 * @param to the address typed (trimmed)
	 * @param code the code, in clear only here and in the sealed row
	 * @param sender the company's display name, or null (the mail then says "a company")
	 * @param expiresAt when the code stops working: the mail is never sent after it
	 */
	public record CodeMail(String tenantId, Locale locale, String to, String code, @Nullable String sender,
			Instant expiresAt) {

		@Override
		public String toString() {
			return "CodeMail[" + this.tenantId + ", " + this.locale + "]";
		}

	}

	/**
	 * What a mail says, opened for sending.
	 *
	 * @param minutes how long the code works, from when the mail was asked for
	 */
	record Content(String to, String code, @Nullable String sender, int minutes) {

		@Override
		public String toString() {
			return "Content[sealed]";
		}

	}

}
