package dev.securelink.gateway.proxy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.session.SessionClaims;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.tenant.Sharing;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.tenant.Verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sign and pay protocol around a forward that is a counting stub standing in for the
 * upstream: what is forwarded once, what is replayed, refused or forwarded again, and
 * what the audit trail and the idempotency table hold at each step. Real PostgreSQL; no
 * HTTP.
 */
class ActionSubmissionsTests extends GatewayFixture {

	private static final String CONTENT_TYPE = "application/x-www-form-urlencoded";

	@Autowired
	ActionSubmissions submissions;

	@Autowired
	IdempotencyKeys keys;

	private final AtomicInteger forwarded = new AtomicInteger();

	private Link link;

	@BeforeEach
	void createLink() {
		CreatedLink created = this.admin.createLink(this.tenant,
				Admin.linkRequest("/invoices/action-submissions", "ada@example.com"));
		Instant now = Instant.now();
		this.link = new Link(created.id(), this.tenant, created.document(),
				EnumSet.of(Right.VIEW, Right.SIGN, Right.PAY), new byte[32], null, now, now.plus(Duration.ofDays(1)),
				null, 0, EnumSet.noneOf(Right.class), true);
	}

	@Test
	void submitWhenAnsweredThenForwardedOnceAndTheSameSubmissionReplayed() {
		ActionSubmissions.Result first = submit(Right.PAY, "amount=10", null, answering(201, "paid"));
		ActionSubmissions.Result again = submit(Right.PAY, "amount=10", null, answering(201, "paid twice"));

		assertThat(first).isInstanceOf(ActionSubmissions.Answered.class);
		assertThat(again).isInstanceOfSatisfying(ActionSubmissions.Replay.class, (replay) -> {
			assertThat(replay.done().status()).isEqualTo(201);
			assertThat(new String(replay.done().body(), StandardCharsets.UTF_8)).isEqualTo("paid");
			assertThat(replay.done().headers()).extracting(java.util.Map.Entry::getKey).contains("X-Receipt");
		});
		assertThat(this.forwarded).hasValue(1);
		assertThat(events("paid")).as("the submission, and its replay").isEqualTo(2);
		assertThat(events("pay_answered")).isEqualTo(1);
	}

	@Test
	@Behaviour("27e")
	void submitWhenTwoRecipientsSendTheSameSubmissionThenNeitherGetsTheOthersAnswer() {
		Sessions.Valid ada = session("session-ada", 0);
		Sessions.Valid bob = session("session-bob", 1);
		Sessions.Valid open = session("session-open", -1);
		Sessions.Valid otherOpen = session("session-other-open", -1);

		for (Sessions.Valid session : List.of(ada, bob, open, otherOpen)) {
			assertThat(submit(session, Right.PAY, "amount=70", null, answering(201, "paid")))
				.isInstanceOf(ActionSubmissions.Answered.class);
			assertThat(submit(session, Right.PAY, "amount=70", "\"shared-key\"", answering(201, "paid")))
				.isInstanceOf(ActionSubmissions.Answered.class);
		}
		assertThat(this.forwarded).as("each submitter's submissions go out once each").hasValue(8);
		assertThat(submit(bob, Right.PAY, "amount=70", null, answering(201, "x")))
			.isInstanceOf(ActionSubmissions.Replay.class);
		assertThat(this.forwarded).hasValue(8);
	}

	@Test
	@Behaviour("27e")
	void submitWhenAnotherHolderSendsTheVictimsKeyFirstThenTheVictimsSubmissionStillGoesOutUnderItsOwnKey() {
		Sessions.Valid victim = session("session-victim", 0);
		List<String> sent = new java.util.ArrayList<>();
		ActionSubmissions.Forward recording = (body, key, capture) -> {
			sent.add(key);
			return answering(201, "paid").send(body, key, capture);
		};

		assertThat(submit(session("session-attacker", 1), Right.PAY, "amount=1", "\"pay-invoice-7\"", recording))
			.isInstanceOf(ActionSubmissions.Answered.class);
		assertThat(submit(session("session-open", -1), Right.PAY, "amount=2", "\"pay-invoice-7\"", recording))
			.isInstanceOf(ActionSubmissions.Answered.class);
		assertThat(submit(victim, Right.PAY, "amount=80", "\"pay-invoice-7\"", recording))
			.as("the victim's own submission: forwarded, never 422")
			.isInstanceOf(ActionSubmissions.Answered.class);
		assertThat(submit(victim, Right.PAY, "amount=80", null, recording))
			.isInstanceOf(ActionSubmissions.Answered.class);

		assertThat(sent).as("every submitter's key is its own upstream too").doesNotHaveDuplicates();
		assertThat(sent.subList(0, 3)).allSatisfy((key) -> assertThat(key).startsWith("\"slc-"));
		assertThat(sent.get(3)).startsWith("\"sl2-");
		assertThat(this.keys.scoped(IdempotencyKeys.scope(victim.claims()), this.link.id(), "pay", "\"k\""))
			.as("the same client key of the same submitter: the same upstream key")
			.isEqualTo(this.keys.scoped(IdempotencyKeys.scope(victim.claims()), this.link.id(), "pay", "\"k\""));
	}

	@Test
	@Behaviour("27e")
	void submitWhenReplayedThenAuditedAsAReplayWithItsSession() {
		submit(Right.PAY, "amount=90", null, answering(201, "paid"));
		submit(Right.PAY, "amount=90", null, answering(201, "paid"));

		assertThat(Queries.number(this.db,
				"select count(*) from access_event where link_id = $1 and type = 'paid' and outcome = 'replayed' "
						+ "and session_id = $2 and detail like '{\"status\":201,\"bodySha256\":\"%'",
				this.link.id(), "session-" + this.link.id()))
			.isEqualTo(1);
		assertThat(events("paid")).as("the submission and its replay").isEqualTo(2);
	}

	@Test
	void submitWhenTheSameSubmissionIsUnderWayThenInFlightAndNotForwarded() {
		Sinks.Empty<Void> upstream = Sinks.empty();
		Mono<ActionSubmissions.Result> first = this.submissions.submit(request("amount=20"),
				new DocumentOutcome.Submit(session(), Right.PAY, null), body("amount=20"), (body, key, capture) -> {
					this.forwarded.incrementAndGet();
					return capture
						.watch(201, new DefaultHttpHeaders(), upstream.asMono().then(Mono.just(buffer("ok"))).flux())
						.then(Mono.<PageKind>empty());
				})
			.cache();
		first.subscribe();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.forwarded.get() == 1);

		assertThat(submit(Right.PAY, "amount=20", null, answering(201, "no")))
			.isEqualTo(new ActionSubmissions.Page(PageKind.IN_FLIGHT));
		upstream.tryEmitEmpty();
		assertThat(first.block(Duration.ofSeconds(10))).isInstanceOf(ActionSubmissions.Answered.class);
		assertThat(this.forwarded).hasValue(1);
	}

	@Test
	void submitWhenTheClientsKeyComesWithAnotherRequestThenRefusedAndNotForwarded() {
		submit(Right.SIGN, "signature=ada", "\"offer-1\"", answering(200, "signed"));

		ActionSubmissions.Result other = submit(Right.SIGN, "signature=mallory", "\"offer-1\"", answering(200, "x"));

		assertThat(other).isEqualTo(new ActionSubmissions.Page(PageKind.KEY_REUSED));
		assertThat(this.forwarded).hasValue(1);
	}

	@Test
	void submitWhenTheUpstreamAnswered5xxThenNotKeptAndTheRetryIsForwardedWithTheSameKey() {
		List<String> keys = new java.util.ArrayList<>();
		ActionSubmissions.Forward failing = (body, key, capture) -> {
			keys.add(key);
			return answering(503, "try later").send(body, key, capture);
		};

		assertThat(submit(Right.PAY, "amount=30", null, failing)).isInstanceOf(ActionSubmissions.Answered.class);
		assertThat(submit(Right.PAY, "amount=30", null, failing)).isInstanceOf(ActionSubmissions.Answered.class);

		assertThat(this.forwarded).hasValue(2);
		assertThat(keys).hasSize(2).containsOnly(keys.get(0));
		assertThat(keys.get(0)).startsWith("\"sl2-");
	}

	@Test
	void submitWhenTheGatewayAnswersWithAPageThenTheKeyIsForgottenAndTheAnswerAuditedAsTheGateways() {
		ActionSubmissions.Result page = submit(Right.PAY, "amount=40", null, (body, key, capture) -> {
			this.forwarded.incrementAndGet();
			return Mono.just(PageKind.BAD_GATEWAY);
		});

		assertThat(page).isEqualTo(new ActionSubmissions.Page(PageKind.BAD_GATEWAY));
		assertThat(detail("pay_answered")).contains("\"status\":502,\"answeredBy\":\"gateway\"");
		assertThat(submit(Right.PAY, "amount=40", null, answering(201, "paid")))
			.isInstanceOf(ActionSubmissions.Answered.class);
		assertThat(this.forwarded).hasValue(2);
	}

	@Test
	void submitWhenCancelledWhileForwardingThenTheKeyIsForgotten() {
		reactor.core.Disposable underWay = this.submissions.submit(request("amount=50"),
				new DocumentOutcome.Submit(session(), Right.PAY, null), body("amount=50"), (body, key, capture) -> {
					this.forwarded.incrementAndGet();
					return Mono.never();
				})
			.subscribe();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.forwarded.get() == 1);
		underWay.dispose();

		await().atMost(Duration.ofSeconds(10))
			.until(() -> submit(Right.PAY, "amount=50", null,
					answering(201, "paid")) instanceof ActionSubmissions.Answered);
		assertThat(this.forwarded).hasValue(2);
	}

	@Test
	void submitWhenTheClientHangsUpAfterTheAnswerSettledThenTheKeptAnswerIsReplayed() {
		reactor.core.Disposable hungUp = this.submissions
			.submit(request("amount=60"), new DocumentOutcome.Submit(session(), Right.PAY, null), body("amount=60"),
					(body, key, capture) -> answering(201, "paid").send(body, key, capture).then(Mono.never()))
			.subscribe();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Queries.number(this.db,
					"select count(*) from idempotency_record where link_id = $1 and state = 'done'",
					this.link.id()) == 1);
		hungUp.dispose();

		assertThat(submit(Right.PAY, "amount=60", null, answering(201, "paid again")))
			.isInstanceOf(ActionSubmissions.Replay.class);
		assertThat(this.forwarded).hasValue(1);
	}

	@Test
	void submitWhenTheSubmissionIsAuditedThenBeforeItIsForwarded() {
		List<Long> atForward = new java.util.ArrayList<>();
		submit(Right.SIGN, "signature=ada", null,
				(body, key, capture) -> count("signed").concatWith(count("sign_answered"))
					.doOnNext(atForward::add)
					.then(answering(200, "signed").send(body, key, capture)));

		assertThat(atForward).as("signed, then sign_answered, when the submission was forwarded")
			.containsExactly(1L, 0L);

		assertThat(detail("sign_answered")).startsWith("{\"status\":200,\"answeredBy\":\"upstream\",\"bodySha256\":\"");
	}

	@Test
	void submitWhenTheBodyIsOverTheLimitThenTooLargeAndNothingForwarded() {
		byte[] large = new byte[DocumentAccess.MAX_ACTION_BODY + 1];
		ActionSubmissions.Result result = this.submissions
			.submit(request("x"), new DocumentOutcome.Submit(session(), Right.PAY, null),
					Flux.just(Unpooled.wrappedBuffer(large)), answering(201, "paid"))
			.block(Duration.ofSeconds(10));

		assertThat(result).isEqualTo(new ActionSubmissions.Page(PageKind.TOO_LARGE));
		assertThat(this.forwarded).hasValue(0);
		assertThat(events("paid")).isZero();
	}

	/**
	 * A stub upstream: counts, then answers {@code status} and {@code body} through the
	 * capture.
	 */
	private ActionSubmissions.Forward answering(int status, String body) {
		return (submitted, key, capture) -> {
			this.forwarded.incrementAndGet();
			HttpHeaders headers = new DefaultHttpHeaders().add("X-Receipt", "r-1").add("Set-Cookie", "upstream=1");
			return capture.watch(status, headers, Flux.just(buffer(body))).then(Mono.empty());
		};
	}

	private ActionSubmissions.@Nullable Result submit(Right action, String body, @Nullable String key,
			ActionSubmissions.Forward forward) {
		return submit(session(), action, body, key, forward);
	}

	private ActionSubmissions.@Nullable Result submit(Sessions.Valid session, Right action, String body,
			@Nullable String key, ActionSubmissions.Forward forward) {
		return this.submissions
			.submit(request(body), new DocumentOutcome.Submit(session, action, key), body(body), forward)
			.block(Duration.ofSeconds(10));
	}

	private DocumentRequest request(String body) {
		String rest = "/pay/";
		return new DocumentRequest("POST", "/d/" + this.link.id() + rest, null, this.link.id(), rest, List.of(),
				List.of(), List.of(), body.length(), CONTENT_TYPE, List.of(), null, "same-origin",
				new InetSocketAddress("198.51.100.7", 50000), List.of(), false, "https://gateway.example", null);
	}

	/** Recipient 0's session. */
	private Sessions.Valid session() {
		return session("session-" + this.link.id(), 0);
	}

	/** A session of the recipient at {@code recipient} (-1: none verified it). */
	private Sessions.Valid session(String id, int recipient) {
		Instant now = Instant.now();
		SessionClaims claims = new SessionClaims(id, this.link.tenantId(), this.link.id(), this.link.rights(), 0,
				recipient >= 0, now, now.plus(Duration.ofHours(1)), now, recipient);
		return new Sessions.Valid(claims, this.link, new TenantSettings(this.link.tenantId(), Verification.ADDRESS,
				false, null, true, false, null, true, true, 0, null, false, Sharing.VIEW, 1, now), null);
	}

	private static Flux<ByteBuf> body(String body) {
		return Flux.just(buffer(body));
	}

	private static ByteBuf buffer(String text) {
		return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
	}

	private long events(String type) {
		return Queries.events(this.db, this.link.id(), type);
	}

	/**
	 * How many of the link's events have {@code type}, without blocking (for the
	 * forward).
	 */
	private Mono<Long> count(String type) {
		return this.db.sql("select count(*) from access_event where link_id = :link and type = :type")
			.bind("link", this.link.id())
			.bind("type", type)
			.map((row) -> ((Number) row.get(0)).longValue())
			.one();
	}

	private @Nullable String detail(String type) {
		return this.db.sql("select detail from access_event where link_id = :link and type = :type")
			.bind("link", this.link.id())
			.bind("type", type)
			.map((row) -> row.get("detail", String.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

}
