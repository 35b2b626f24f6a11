package dev.securelink.gateway.access;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditProperties;
import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.RecipientMacs;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;
import dev.securelink.gateway.tenant.Sharing;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.tenant.Verification;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decision's ordering contract for the prompt's POST, without HTTP or a Spring
 * context: the form token first, then the client's address budget, then the link's
 * attempt, then the address. Nothing later is spent when an earlier step refuses; a
 * refused link attempt gives the client's token back. Real PostgreSQL for the attempt
 * counter and the audit trail.
 */
class AddressCheckTests {

	private static final String RECIPIENT = "ada@example.com";

	private static final Locale LOCALE = Locale.FRENCH;

	/** A client of its own per test: its address budget is in the shared database. */
	private final String client = "198.51." + ThreadLocalRandom.current().nextInt(256) + "."
			+ ThreadLocalRandom.current().nextInt(1, 255);

	private static final GatewayKeys KEYS = GatewayKeys.from(TestKeys.keysProperties());

	/**
	 * Two wrong addresses from one client lock a link for it, four from all clients for
	 * everyone; three per client IP per period.
	 */
	private final LimitsProperties limitsProperties = new LimitsProperties(2, Duration.ofMinutes(15),
			Duration.ofMinutes(15), Duration.ofHours(24), 30, Duration.ofMinutes(1), 3, Duration.ofMinutes(15), 10,
			Duration.ofMinutes(1), 4, Duration.ofHours(24), 10, Duration.ofHours(1), Duration.ofMillis(300),
			Duration.ofMinutes(15), 5, Duration.ofSeconds(60), 3, 10, Duration.ofHours(1), Duration.ofMillis(300));

	private final DatabaseClient db = TestDatabase.client();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final FormTokens forms = new FormTokens(KEYS);

	private final RecipientMacs macs = new RecipientMacs(KEYS);

	private final ClientBudgets budgets = new ClientBudgets(this.db, java.time.Clock.systemUTC(),
			this.limitsProperties);

	private final AuditLog audit = new AuditLog(this.db, KEYS,
			new AuditProperties(Duration.ofSeconds(1), 500, Duration.ofMinutes(1), 100), this.meters);

	private final AddressCheck check = new AddressCheck(this.forms, this.budgets,
			new AttemptGuard(this.db, TestDatabase.transactions(), this.limitsProperties), this.macs, this.audit,
			// The tenants here remember no browser: the links are never looked up.
			new RememberedDevices(this.db, java.time.Clock.systemUTC(), this.audit, null, null), this.limitsProperties,
			java.time.Clock.systemUTC(), this.meters);

	private final TenantSettings verificationOn = settings(true);

	private Link link;

	private String nonce;

	@BeforeEach
	void storeLink() {
		String tenant = "check-" + UUID.randomUUID();
		Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		this.db.sql("insert into tenant (id, created_at, updated_at) values (:id, :now, :now)")
			.bind("id", tenant)
			.bind("now", now)
			.then()
			.block(Duration.ofSeconds(10));
		byte[] codeHash = new byte[32];
		new SecureRandom().nextBytes(codeHash);
		String id = Base64.getUrlEncoder().withoutPadding().encodeToString(codeHash).substring(0, 22);
		this.link = new Link(id, tenant, "invoices/1", EnumSet.of(Right.VIEW), this.macs.mac(RECIPIENT), null, now,
				now.plus(Duration.ofDays(7)), null, 0, EnumSet.noneOf(Right.class), true);
		this.db.sql("""
				insert into link (id, tenant_id, document, rights, code_hash, recipient_macs, created_at, expires_at)
				values (:id, :tenant, :document, array['view'], :codeHash, :macs, :now, :expiresAt)
				""")
			.bind("id", id)
			.bind("tenant", tenant)
			.bind("document", this.link.document())
			.bind("codeHash", codeHash)
			.bind("macs", this.link.recipientMacs())
			.bind("now", now)
			.bind("expiresAt", this.link.expiresAt())
			.then()
			.block(Duration.ofSeconds(10));
		this.nonce = this.forms.newNonce();
	}

	@Test
	void verifyWhenFormTokenInvalidThenForbiddenAndNothingSpent() {
		LinkOutcome outcome = verify(post("not-the-token", "mallory@example.com"), this.verificationOn);
		assertThat(outcome).isEqualTo(new LinkOutcome.Forbidden(this.link.id(), LOCALE));
		assertNothingSpent();
	}

	@Test
	void verifyWhenVerificationOffThenSessionAfterTheTokenAndNothingSpent() {
		LinkOutcome outcome = verify(post(token(), null), settings(false));
		assertThat(outcome).isEqualTo(new LinkOutcome.SessionIssued(this.link, Right.VIEW, false, -1, LOCALE));
		assertNothingSpent();
	}

	@Test
	void verifyWhenAddressBlankThenPromptAgainAndNothingSpent() {
		LinkOutcome outcome = verify(post(token(), "  "), this.verificationOn);
		assertThat(outcome)
			.isEqualTo(new LinkOutcome.EmailRequired(this.link, Right.VIEW, LinkOutcome.PromptError.BLANK, LOCALE));
		assertNothingSpent();
	}

	@Test
	void verifyWhenClientBudgetSpentThenTooManyBeforeTheLinkIsReserved() {
		for (int i = 0; i < 3; i++) {
			assertThat(budget()).isTrue();
		}
		LinkOutcome outcome = verify(post(token(), RECIPIENT), this.verificationOn);
		assertThat(outcome).isEqualTo(new LinkOutcome.TooManyAttempts(this.link.id(), Duration.ofMinutes(15), LOCALE));
		assertThat(attemptRows()).isZero();
		assertThat(comparisons()).isZero();
	}

	@Test
	void verifyWhenLinkLockedThenTooManyWithoutComparingAndTheClientTokenBack() {
		assertThat(verify(post(token(), "one@example.com"), this.verificationOn))
			.isInstanceOf(LinkOutcome.EmailRequired.class);
		LinkOutcome locked = verify(post(token(), "two@example.com"), this.verificationOn);
		assertThat(locked).isInstanceOf(LinkOutcome.TooManyAttempts.class);
		assertThat(comparisons()).isEqualTo(2);
		// Locked: the right address is not even compared, and this client's third token
		// is given back.
		LinkOutcome refused = verify(post(token(), RECIPIENT), this.verificationOn);
		assertThat(refused).isInstanceOf(LinkOutcome.TooManyAttempts.class);
		assertThat(((LinkOutcome.TooManyAttempts) refused).retryAfter()).isGreaterThan(Duration.ofMinutes(14));
		assertThat(comparisons()).isEqualTo(2);
		assertThat(budget()).isTrue();
		assertThat(budget()).isFalse();
		assertThat(events("locked")).isOne();
	}

	@Test
	void verifyWhenAddressWrongThenPromptAgainWithOneFailureCounted() {
		LinkOutcome outcome = verify(post(token(), "mallory@example.com"), this.verificationOn);
		assertThat(outcome)
			.isEqualTo(new LinkOutcome.EmailRequired(this.link, Right.VIEW, LinkOutcome.PromptError.MISMATCH, LOCALE));
		assertThat(failures()).isOne();
		assertThat(comparisons()).isOne();
		assertThat(events("failed")).isOne();
	}

	@Test
	void verifyWhenAddressMatchesThenVerifiedSessionAndBothBudgetsGivenBack() {
		verify(post(token(), "mallory@example.com"), this.verificationOn);
		LinkOutcome outcome = verify(post(token(), " Ada@Example.com "), this.verificationOn);
		assertThat(outcome).isEqualTo(new LinkOutcome.SessionIssued(this.link, Right.VIEW, true, 0, LOCALE));
		// Only its own reservation is given back: the wrong address before it still
		// counts.
		assertThat(failures()).isOne();
		assertThat(events("verified")).isOne();
		// The wrong address keeps its token; the matching one gave its back.
		assertThat(budget()).isTrue();
		assertThat(budget()).isTrue();
		assertThat(budget()).isFalse();
	}

	@Test
	void verifyWhenTheMatchingAddressSetTheLockThenItIsLiftedAndTheNextWrongOneLocksAgain() {
		verify(post(token(), "one@example.com"), this.verificationOn);
		LinkOutcome outcome = verify(post(token(), RECIPIENT), this.verificationOn);
		assertThat(outcome).isEqualTo(new LinkOutcome.SessionIssued(this.link, Right.VIEW, true, 0, LOCALE));
		assertThat(failures()).as("the count its lock interrupted").isOne();
		assertThat(verify(post(token(), "two@example.com"), this.verificationOn))
			.isInstanceOf(LinkOutcome.TooManyAttempts.class);
		assertThat(comparisons()).isEqualTo(3);
		assertThat(events("locked")).isOne();
	}

	@Test
	void verifyWhenAnotherClientLockedTheLinkThenTheRecipientStillGetsIn() {
		verify(post(token(), "one@example.com"), this.verificationOn);
		assertThat(verify(post(token(), "two@example.com"), this.verificationOn))
			.isInstanceOf(LinkOutcome.TooManyAttempts.class);
		assertThat(verify(post(token(), RECIPIENT), this.verificationOn)).as("locked for the client that guessed")
			.isInstanceOf(LinkOutcome.TooManyAttempts.class);

		LinkOutcome recipient = verify(postFrom("203.0.113.9", token(), RECIPIENT), this.verificationOn);

		assertThat(recipient).isEqualTo(new LinkOutcome.SessionIssued(this.link, Right.VIEW, true, 0, LOCALE));
		assertThat(events("locked")).isOne();
		assertThat(lockDetail()).contains("\"scope\":\"client\"");
	}

	@Test
	void verifyWhenTheCeilingIsReachedAcrossClientsThenTheLinkIsLockedForEveryone() {
		for (int i = 1; i <= 4; i++) {
			verify(postFrom("203.0.113." + i, token(), "guess" + i + "@example.com"), this.verificationOn);
		}
		assertThat(comparisons()).isEqualTo(4);

		LinkOutcome recipient = verify(postFrom("203.0.113.99", token(), RECIPIENT), this.verificationOn);

		assertThat(recipient).isInstanceOf(LinkOutcome.TooManyAttempts.class);
		assertThat(((LinkOutcome.TooManyAttempts) recipient).retryAfter()).isGreaterThan(Duration.ofHours(23));
		assertThat(comparisons()).as("nothing compared once locked for everyone").isEqualTo(4);
		assertThat(lockDetail()).contains("\"scope\":\"everyone\"");
	}

	private String lockDetail() {
		return this.db.sql("select detail from access_event where link_id = :id and type = 'locked'")
			.bind("id", this.link.id())
			.map((row) -> row.get(0, String.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private LinkOutcome verify(LinkRequest request, TenantSettings tenant) {
		return this.check.verify(request, this.link, tenant, Right.VIEW, LOCALE).block(Duration.ofSeconds(10));
	}

	private LinkRequest post(String formToken, String address) {
		return postFrom(this.client, formToken, address);
	}

	private LinkRequest postFrom(String client, String formToken, String address) {
		return LinkRequest.submit("code", Right.VIEW, true, client, List.of(), this.nonce, formToken, address, null,
				List.of(), null, null, false, false);
	}

	private String token() {
		return this.forms.token(this.nonce, this.link.id());
	}

	private void assertNothingSpent() {
		assertThat(attemptRows()).isZero();
		assertThat(comparisons()).isZero();
		for (int i = 0; i < 3; i++) {
			assertThat(budget()).isTrue();
		}
	}

	/** Reserves one of this client's address budget, as the check would. */
	private boolean budget() {
		return Boolean.TRUE.equals(this.budgets.reserveAddress(this.audit.clientHash(this.client), Instant.now())
			.map(ClientBudgets.Reservation::granted)
			.block(Duration.ofSeconds(10)));
	}

	private long attemptRows() {
		return this.db.sql("select count(*) from link_attempt where link_id = :id")
			.bind("id", this.link.id())
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private long failures() {
		return this.db.sql("select failures from link_client_attempt where link_id = :id")
			.bind("id", this.link.id())
			.map((row) -> row.get(0, Integer.class).longValue())
			.one()
			.block(Duration.ofSeconds(10));
	}

	private long events(String type) {
		return this.db.sql("select count(*) from access_event where link_id = :id and type = :type")
			.bind("id", this.link.id())
			.bind("type", type)
			.map((row) -> row.get(0, Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private double comparisons() {
		return this.meters.counter("securelink.address.comparisons").count();
	}

	private TenantSettings settings(boolean emailVerification) {
		return new TenantSettings("t", emailVerification ? Verification.ADDRESS : Verification.OFF, false, null, true,
				false, null, true, true, 0, null, false, Sharing.VIEW, 1, null);
	}

}
