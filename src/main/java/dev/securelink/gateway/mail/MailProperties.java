package dev.securelink.gateway.mail;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.securelink.gateway.OutboxWorker;

/**
 * {@code securelink.mail.*}; the relay itself is Boot's {@code spring.mail.*} (host,
 * port, username, password, STARTTLS or TLS).
 *
 * @param from the sender address of every mail ({@code From}), required once a relay is
 * configured, e.g. {@code "Acme documents <no-reply@docs.example.net>"}
 * @param timeout how long a claimed mail stays with the instance that claimed it before
 * another may try it (an instance that died); keep it above what the relay's own timeouts
 * allow one attempt ({@code spring.mail.properties[mail.smtp.*timeout]})
 * @param retrySchedule the wait before each attempt of a mail (the first is usually
 * zero), each spread by up to ±10 %; short, because a code is valid for 15 minutes, after
 * which its mail is never sent
 * @param retention mails are purged this long after they were written (what was sealed in
 * them is cleared as soon as they are settled)
 * @param pollInterval how often each instance looks for due mails
 * @param batchSize mails one instance claims per round
 * @param concurrency mails one instance sends at once
 */
@Validated
@ConfigurationProperties("securelink.mail")
public record MailProperties(@Nullable String from, @NotNull @DefaultValue("30s") Duration timeout,
		@NotNull @Size(min = 1, max = 20) @DefaultValue("0s,15s,1m,2m,5m") List<Duration> retrySchedule,
		@NotNull @DefaultValue("1d") Duration retention, @NotNull @DefaultValue("1s") Duration pollInterval,
		@Min(1) @DefaultValue("20") int batchSize, @Min(1) @DefaultValue("4") int concurrency) {

	/** How the mail worker goes about it. */
	OutboxWorker.Settings worker() {
		return new OutboxWorker.Settings(this.pollInterval, this.timeout, this.retrySchedule, this.retention,
				this.batchSize, this.concurrency);
	}

}
