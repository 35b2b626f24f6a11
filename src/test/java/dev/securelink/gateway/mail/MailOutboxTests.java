package dev.securelink.gateway.mail;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.mail.MailSendException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import dev.securelink.gateway.OutboxWorker;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.TestMail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The mail outbox against a real SMTP server on loopback: what a code mail says in each
 * language, a relay that is down (the mail is retried until it is up), a mail past its
 * code's expiry (never sent), a restart between the request and the sending, and how a
 * relay's answers are classified.
 */
@GatewayTest
class MailOutboxTests {

	@Autowired
	MailOutbox outbox;

	@Autowired
	MailWorker worker;

	@Autowired
	DatabaseClient db;

	@Autowired
	TransactionalOperator transaction;

	@Autowired
	WebTestClient client;

	@AfterEach
	void relayUp() {
		TestMail.start();
		if (!this.worker.isRunning()) {
			this.worker.start();
		}
	}

	@Test
	@Behaviour("54")
	void codeMailWhenSentThenInTheVisitorsLanguageWithTheCodeInTheBodyOnly() throws Exception {
		String tenant = tenant();
		String to = "anna." + tenant + "@example.com";
		enqueue(new MailOutbox.CodeMail(tenant, Locale.GERMAN, to, "482913", "Acme & Söhne",
				Instant.now().plus(Duration.ofMinutes(15))));

		MimeMessage mail = TestMail.await(to, 1);
		assertThat(mail.getSubject()).isEqualTo("Ihr Code für ein Dokument von Acme & Söhne").doesNotContain("482913");
		assertThat(mail.getHeader("Auto-Submitted")).containsExactly("auto-generated");
		assertThat(mail.getHeader("X-Auto-Response-Suppress")).containsExactly("All");
		assertThat(((InternetAddress) mail.getFrom()[0]).getAddress()).isEqualTo("no-reply@docs.example.net");
		assertThat(TestMail.code(mail)).isEqualTo("482913");
		String text = TestMail.text(mail);
		assertThat(text).contains("Acme & Söhne hat Ihnen ein Dokument", "15 Minuten",
				"Sie haben diesen Code nicht angefordert?");
		String html = TestMail.html(mail);
		assertThat(html).contains("482913", "Acme &amp; Söhne", "lang=\"de\"").doesNotContain("href");
		assertThat(TestMail.raw(mail)).doesNotContain("http://", "https://");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(row(to, tenant)).isEqualTo("sent/false"));
	}

	@Test
	void codeMailWhenTheTenantHasNoDisplayNameThenItNamesNoneInEachLanguage() throws Exception {
		String tenant = tenant();
		String to = "bruno." + tenant + "@example.com";
		enqueue(new MailOutbox.CodeMail(tenant, Locale.FRENCH, to, "104020", null,
				Instant.now().plus(Duration.ofMinutes(15))));

		MimeMessage mail = TestMail.await(to, 1);
		assertThat(mail.getSubject()).isEqualTo("Votre code pour un document sécurisé");
		assertThat(TestMail.text(mail)).contains("Pour l'ouvrir", "Vous n'avez pas demandé ce code ?", "15 minutes")
			.doesNotContain("{0}", "null");
		for (Locale locale : new Locale[] { Locale.ENGLISH, Locale.forLanguageTag("nl") }) {
			String other = locale.getLanguage() + "." + to;
			enqueue(new MailOutbox.CodeMail(tenant, locale, other, "104020", "Acme",
					Instant.now().plus(Duration.ofMinutes(15))));
			MimeMessage localized = TestMail.await(other, 1);
			assertThat(localized.getSubject()).contains("Acme").doesNotContain("104020");
			assertThat(localized.getContentLanguage()).containsExactly(locale.getLanguage());
			assertThat(TestMail.code(localized)).isEqualTo("104020");
		}
	}

	@Test
	void relayWhenDownThenTheMailIsTriedAgainAndSentOnceItIsUp() {
		String tenant = tenant();
		String to = "carla." + tenant + "@example.com";
		TestMail.stop();
		enqueue(new MailOutbox.CodeMail(tenant, Locale.ENGLISH, to, "777001", "Acme",
				Instant.now().plus(Duration.ofMinutes(15))));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.db
				.sql("select last_error from mail_delivery where tenant_id = :tenant and attempts >= 2 "
						+ "and status = 'pending' and sealed is not null")
				.bind("tenant", tenant)
				.map((row) -> row.get("last_error", String.class))
				.one()
				.block()).isEqualTo("connection"));

		TestMail.start();
		assertThat(TestMail.code(TestMail.await(to, 1))).isEqualTo("777001");
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(row(to, tenant)).isEqualTo("sent/false"));
		assertThat(TestMail.receivedFor(to)).hasSize(1);
	}

	@Test
	void mailWhenItsCodeExpiredBeforeItCouldLeaveThenItIsNeverSentAndWhatItSaidIsCleared() {
		String tenant = tenant();
		String to = "dario." + tenant + "@example.com";
		TestMail.stop();
		enqueue(new MailOutbox.CodeMail(tenant, Locale.ENGLISH, to, "555123", "Acme",
				Instant.now().plus(Duration.ofSeconds(2))));
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(row(to, tenant)).isEqualTo("expired/false"));
		TestMail.start();
		await().pollDelay(Duration.ofMillis(500)).until(() -> true);
		assertThat(TestMail.receivedFor(to)).isEmpty();
	}

	@Test
	void mailWhenTheGatewayRestartsBetweenTheRequestAndTheSendingThenTheNextInstanceSendsIt() {
		String tenant = tenant();
		String to = "emil." + tenant + "@example.com";
		this.worker.stop();
		enqueue(new MailOutbox.CodeMail(tenant, Locale.ENGLISH, to, "246810", "Acme",
				Instant.now().plus(Duration.ofMinutes(15))));
		await().pollDelay(Duration.ofMillis(500)).until(() -> true);
		assertThat(TestMail.receivedFor(to)).isEmpty();

		ConfigurableApplicationContext restarted = Instances.start(new String[0], "--server.port=0",
				"--management.server.port=0");
		try {
			assertThat(TestMail.code(TestMail.await(to, 1))).isEqualTo("246810");
		}
		finally {
			restarted.close();
		}
		assertThat(TestMail.receivedFor(to)).hasSize(1);
	}

	@Test
	void answerWhenTheRelayRefusesThenFiveHundredsAreForGoodAndTheRestTriedAgain() {
		assertThat(MailWorker.answerTo(new MailSendException("failed",
				new SMTPSendFailedException("DATA", 554, "554 5.7.1 rejected", null, null, null, null))))
			.isEqualTo(new OutboxWorker.Answer(554, "rejected", null, null));
		assertThat(MailWorker.answerTo(new MailSendException("failed",
				new SMTPAddressFailedException(null, "RCPT", 450, "450 4.2.0 mailbox busy"))))
			.isEqualTo(new OutboxWorker.Answer(450, "deferred", null, null));
		assertThat(MailWorker.answerTo(new MailSendException("failed", new AuthenticationFailedException("535")))
			.outcome()).isEqualTo("auth");
		assertThat(MailWorker.answerTo(new MailSendException("failed", new java.net.ConnectException("refused")))
			.outcome()).isEqualTo("connection");
		assertThat(MailWorker.answerTo(new java.util.concurrent.TimeoutException()).outcome()).isEqualTo("timeout");
		assertThat(MailWorker.answerTo(new IllegalStateException("odd")).outcome()).isEqualTo("error");
	}

	@Test
	void startWhenARelayHasNoValidSenderAddressThenRefusedNamingTheProperty() {
		for (String from : new String[] { "", "not an address" }) {
			assertThatThrownBy(() -> Instances.start(new String[0], "--server.port=0", "--management.server.port=0",
					"--securelink.mail.from=" + from))
				.as(from)
				.hasStackTraceContaining("securelink.mail.from (SECURELINK_MAIL_FROM)");
		}
	}

	private String tenant() {
		String tenant = Admin.newTenant();
		new Admin(this.client).settings(tenant, true);
		return tenant;
	}

	private void enqueue(MailOutbox.CodeMail mail) {
		this.outbox.enqueue(mail, true, Instant.now()).as(this.transaction::transactional).block();
	}

	/** The mail's status, and whether it still holds what it says. */
	private String row(String to, String tenant) {
		return this.db.sql("select status, sealed is not null as sealed from mail_delivery where tenant_id = :tenant")
			.bind("tenant", tenant)
			.map((row) -> row.get("status", String.class) + "/" + row.get("sealed", Boolean.class))
			.all()
			.collectList()
			.map((rows) -> String.join(",", rows))
			.block();
	}

}
