package dev.securelink.gateway.mail;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.MessageSource;
import org.springframework.mail.MailAuthenticationException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.securelink.gateway.OutboxWorker;
import dev.securelink.gateway.database.MissingConfigurationException;

/**
 * Sends the due mails, on every instance that has a relay ({@code spring.mail.host}), as
 * an {@link OutboxWorker}: mails whose code stopped working are settled unsent (and
 * counted as dead) and old ones purged on every instance, relay or not; the others
 * claimed in batches, composed ({@link MailComposer}) and handed to the relay off the
 * event loops. A relay's refusal for good (an SMTP 5xx) fails the mail at once; anything
 * else (4xx, no connection, a timeout, TLS, authentication) is tried again on the retry
 * schedule. Meters: {@code securelink.mail.*}.
 */
@Component
class MailWorker extends OutboxWorker<MailQueue.Claimed> {

	/** Outcomes that are worth another attempt only on the operator's side. */
	static final List<String> OUTCOMES = List.of(SUCCEEDED, "rejected", "deferred", "auth", "connection", "timeout",
			"tls", "error");

	private final MailQueue queue;

	private final MailOutbox outbox;

	private final @Nullable JavaMailSender relay;

	private final @Nullable MailComposer composer;

	MailWorker(MailQueue queue, MailOutbox outbox, ObjectProvider<JavaMailSender> relay, MailProperties properties,
			MessageSource messages, ITemplateEngine templates, Clock clock, MeterRegistry meters) {
		super("Mail delivery", "securelink.mail", "mails", properties.worker(), OUTCOMES, clock, meters);
		this.queue = queue;
		this.outbox = outbox;
		this.relay = relay.getIfAvailable();
		this.composer = (this.relay != null) ? new MailComposer(messages, templates, from(properties.from())) : null;
	}

	/**
	 * The sender address every mail has: required with a relay, and a valid address.
	 */
	private static InternetAddress from(@Nullable String from) {
		try {
			if (from != null && !from.isBlank()) {
				InternetAddress address = new InternetAddress(from.strip(), true);
				address.validate();
				return address;
			}
		}
		catch (AddressException ex) {
			// Reported below, naming the property.
		}
		throw new MissingConfigurationException("Mails (the e-mail code) need a valid sender address.", List
			.of("securelink.mail.from (SECURELINK_MAIL_FROM), e.g. \"Acme documents <no-reply@docs.example.net>\""
					+ ((from != null && !from.isBlank()) ? ": the value given is not an address" : "")),
				"Set it, or leave spring.mail.host unset to run without mails (the code mode is then refused).");
	}

	@Override
	protected Flux<MailQueue.Claimed> claim(Instant now, Instant leaseUntil, String lease, int batch) {
		return this.queue.expire(now).doOnNext((expired) -> {
			for (long i = 0; i < expired; i++) {
				dead();
			}
		}).thenMany((this.relay != null) ? this.queue.claim(now, leaseUntil, lease, batch) : Flux.empty());
	}

	@Override
	protected Mono<Answer> send(MailQueue.Claimed claimed, Instant started) {
		JavaMailSender relay = this.relay;
		MailComposer composer = this.composer;
		if (relay == null || composer == null) {
			return Mono.just(Answer.failed("error"));
		}
		return Mono.fromCallable(() -> {
			MailOutbox.Content content = this.outbox.open(claimed.id(), claimed.sealed());
			relay.send(composer.code(relay, Locale.forLanguageTag(claimed.locale()), content));
			return new Answer(250, SUCCEEDED, null, null);
		})
			// Bounded by the relay's own timeouts
			// (spring.mail.properties[mail.smtp.*timeout]),
			// not by a Reactor timeout: one would leave the send running, and its failure
			// unclassified.
			.subscribeOn(Schedulers.boundedElastic())
			.onErrorResume((ex) -> Mono.just(answerTo(ex)));
	}

	@Override
	protected String errorClass(Throwable failure) {
		return answerTo(failure).outcome();
	}

	@Override
	protected Mono<Void> settle(MailQueue.Claimed claimed, Attempt attempt, Answer answer) {
		Instant now = clock().instant();
		if (answer.succeeded()) {
			return this.queue.finish(claimed, "sent", null, null, now);
		}
		Instant next = "rejected".equals(answer.outcome()) ? null
				: nextAttempt(claimed.attempt(), answer.retryAfter(), now);
		if (next == null) {
			dead();
			return this.queue.finish(claimed, "failed", null, answer.outcome(), now);
		}
		return this.queue.finish(claimed, "pending", next, answer.outcome(), now);
	}

	@Override
	protected Mono<Backlog> backlog(Instant now) {
		return this.queue.backlog(now);
	}

	@Override
	protected Mono<Long> purge(Instant before) {
		return this.queue.purge(before);
	}

	/**
	 * What a failed attempt came to: the relay's SMTP code when it answered one (5xx:
	 * {@code rejected}, for good; 4xx: {@code deferred}), otherwise the kind of failure.
	 */
	static Answer answerTo(Throwable failure) {
		List<Throwable> causes = causes(failure);
		for (Throwable cause : causes) {
			int code = smtpCode(cause);
			if (code >= 500) {
				return new Answer(code, "rejected", null, null);
			}
			if (code >= 400) {
				return new Answer(code, "deferred", null, null);
			}
		}
		for (Throwable cause : causes) {
			if (cause instanceof AuthenticationFailedException || cause instanceof MailAuthenticationException) {
				return Answer.failed("auth");
			}
			if (cause instanceof SSLException) {
				return Answer.failed("tls");
			}
			if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
				return Answer.failed("timeout");
			}
		}
		for (Throwable cause : causes) {
			if (cause instanceof MailConnectException || cause instanceof ConnectException
					|| cause instanceof UnknownHostException) {
				return Answer.failed("connection");
			}
		}
		return Answer.failed("error");
	}

	private static int smtpCode(Throwable cause) {
		if (cause instanceof SMTPSendFailedException failed) {
			return failed.getReturnCode();
		}
		if (cause instanceof SMTPAddressFailedException failed) {
			return failed.getReturnCode();
		}
		if (cause instanceof SMTPSenderFailedException failed) {
			return failed.getReturnCode();
		}
		return -1;
	}

	/**
	 * {@code failure}, its causes, and the exceptions a {@link MailSendException} or a
	 * {@link MessagingException} chains.
	 */
	private static List<Throwable> causes(Throwable failure) {
		List<Throwable> all = new ArrayList<>();
		List<Throwable> pending = new ArrayList<>(List.of(failure));
		while (!pending.isEmpty() && all.size() < 32) {
			Throwable next = pending.remove(0);
			if (all.contains(next)) {
				continue;
			}
			all.add(next);
			if (next.getCause() != null) {
				pending.add(next.getCause());
			}
			if (next instanceof MailSendException send) {
				pending.addAll(List.of(send.getMessageExceptions()));
			}
			if (next instanceof MessagingException messaging && messaging.getNextException() != null) {
				pending.add(messaging.getNextException());
			}
		}
		return all;
	}

}
