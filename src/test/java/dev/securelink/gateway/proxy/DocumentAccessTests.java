package dev.securelink.gateway.proxy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.session.SessionClaims;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.tenant.Sharing;
import dev.securelink.gateway.tenant.TenantSettings;
import dev.securelink.gateway.tenant.Verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The document path's decision without HTTP, Netty or Spring: its order (nothing later is
 * asked when an earlier step refuses), the session's share, rights, completed actions and
 * what a submission needs. The session check and the database's completion check are
 * stubs that count their calls.
 */
class DocumentAccessTests {

	private static final String ORIGIN = "https://gateway.example";

	private static final String COOKIE = "__Host-sls-link1=valid";

	private final AtomicInteger sessionChecks = new AtomicInteger();

	private final AtomicInteger completionChecks = new AtomicInteger();

	private Link link = link(EnumSet.noneOf(Right.class));

	private Set<Right> sessionRights = EnumSet.of(Right.VIEW, Right.SIGN, Right.PAY);

	private Mono<Boolean> completedInDatabase = Mono.just(false);

	private final DocumentAccess access = new DocumentAccess((cookies, linkId) -> {
		this.sessionChecks.incrementAndGet();
		return Mono
			.just((cookies.contains(COOKIE) && linkId.equals(this.link.id())) ? valid() : new Sessions.Invalid());
	}, (link, right) -> {
		this.completionChecks.incrementAndGet();
		return this.completedInDatabase;
	}, new ActionPolicy(List.of("/sign/**"), List.of("/pay/**")), 10_000, 2);

	@Test
	void decideWhenMethodPathOrSizeIsRefusedThenBeforeAnySessionCheck() {
		assertThat(refusal(get("/").method("TRACE"))).isEqualTo(PageKind.METHOD);
		assertThat(refusal(get("/../other/"))).isEqualTo(PageKind.BAD_PATH);
		assertThat(refusal(get("/%2e%2e/other"))).isEqualTo(PageKind.BAD_PATH);
		assertThat(refusal(get("/").query("a=%ff"))).isEqualTo(PageKind.BAD_PATH);
		assertThat(refusal(get("/").query("a=%zz"))).isEqualTo(PageKind.BAD_PATH);
		assertThat(refusal(post("/upload").length(10_001))).isEqualTo(PageKind.TOO_LARGE);
		assertThat(this.sessionChecks).hasValue(0);
	}

	@Test
	void decideWhenNoValidSessionThenOpenTheLinkAgainAndNothingElseAsked() {
		assertThat(refusal(get("/").cookie("__Host-sls-link1=forged"))).isEqualTo(PageKind.SESSION);
		assertThat(refusal(post("/sign/").cookie(null))).isEqualTo(PageKind.SESSION);
		assertThat(this.completionChecks).hasValue(0);
	}

	@Test
	void decideWhenOutsideTheActionPathsThenOnlyReadsPass() {
		assertThat(decide(get("/"))).isEqualTo(new DocumentOutcome.Read(valid(), null));
		assertThat(decide(get("/page/2").method("HEAD"))).isEqualTo(new DocumentOutcome.Read(valid(), null));
		for (String method : List.of("POST", "PUT", "PATCH", "DELETE")) {
			assertThat(refusal(post("/invoice").method(method))).isEqualTo(PageKind.FORBIDDEN);
		}
	}

	@Test
	void decideWhenUnderAnActionPathThenItsRightIsNeededForEveryMethod() {
		assertThat(decide(get("/pay/"))).isEqualTo(new DocumentOutcome.Read(valid(), Right.PAY));
		this.sessionRights = EnumSet.of(Right.VIEW, Right.PAY);
		assertThat(refusal(get("/sign/"))).isEqualTo(PageKind.FORBIDDEN);
		assertThat(refusal(post("/sign/"))).isEqualTo(PageKind.FORBIDDEN);
		assertThat(decide(post("/pay/card"))).isEqualTo(new DocumentOutcome.Submit(valid(), Right.PAY, null));
		assertThat(this.completionChecks).hasValue(1);
	}

	@Test
	void decideWhenTheCachedLinkSaysCompletedThenItsPagesSaySoAndSubmissionsAreRefusedWithoutAsking() {
		this.link = link(EnumSet.of(Right.PAY));

		assertThat(refusal(get("/pay/"))).isEqualTo(PageKind.PAID);
		assertThat(refusal(post("/pay/"))).isEqualTo(PageKind.PAID_AGAIN);
		assertThat(decide(post("/sign/"))).isEqualTo(new DocumentOutcome.Submit(valid(), Right.SIGN, null));
		assertThat(this.completionChecks).hasValue(1);
	}

	@Test
	void decideWhenTheDatabaseSaysCompletedThenTheSubmissionIsRefused() {
		this.completedInDatabase = Mono.just(true);

		assertThat(refusal(post("/sign/"))).isEqualTo(PageKind.SIGNED_AGAIN);
	}

	@Test
	void decideWhenASubmissionLacksWhatItNeedsThenRefusedBeforeTheDatabaseIsAsked() {
		assertThat(refusal(post("/sign/").origin("https://evil.example", null))).isEqualTo(PageKind.FORBIDDEN);
		assertThat(refusal(post("/sign/").origin(null, "cross-site"))).isEqualTo(PageKind.FORBIDDEN);
		assertThat(refusal(post("/sign/").origin(null, null))).isEqualTo(PageKind.FORBIDDEN);
		assertThat(refusal(post("/sign/").keys("\"a\"", "\"b\""))).isEqualTo(PageKind.BAD_IDEMPOTENCY_KEY);
		assertThat(refusal(post("/sign/").keys("not-a-string"))).isEqualTo(PageKind.BAD_IDEMPOTENCY_KEY);
		assertThat(refusal(post("/sign/").length(DocumentAccess.MAX_ACTION_BODY + 1))).isEqualTo(PageKind.TOO_LARGE);
		assertThat(this.completionChecks).hasValue(0);
		assertThat(decide(post("/sign/").origin(null, "same-origin").keys("\"order-7\"")))
			.isEqualTo(new DocumentOutcome.Submit(valid(), Right.SIGN, "\"order-7\""));
	}

	@Test
	void decideWhenTheSessionHasItsShareUnderWayThenBusyUntilOneIsReleased() {
		DocumentOutcome.Granted first = (DocumentOutcome.Granted) hold(get("/"));
		DocumentOutcome.Granted second = (DocumentOutcome.Granted) hold(post("/pay/"));

		assertThat(hold(get("/"))).isEqualTo(new DocumentOutcome.Refused(PageKind.BUSY, this.link));
		this.access.release(first);
		DocumentOutcome.Granted third = (DocumentOutcome.Granted) hold(get("/"));
		assertThat(third).isInstanceOf(DocumentOutcome.Read.class);
		assertThat(hold(get("/"))).isEqualTo(new DocumentOutcome.Refused(PageKind.BUSY, this.link));
		this.access.release(second);
		this.access.release(third);
	}

	@Test
	void decideWhenRefusedOrFailedAfterTheSessionThenTheShareIsGivenBack() {
		for (int i = 0; i < 3; i++) {
			assertThat(refusal(post("/invoice"))).isEqualTo(PageKind.FORBIDDEN);
		}
		this.completedInDatabase = Mono.error(new IllegalStateException("database down"));
		for (int i = 0; i < 3; i++) {
			assertThatThrownBy(() -> decide(post("/sign/"))).hasMessageContaining("database down");
		}
		this.completedInDatabase = Mono.never();
		for (int i = 0; i < 3; i++) {
			this.access.decide(post("/sign/").build()).subscribe().dispose();
		}
		assertThat(hold(get("/"))).isInstanceOf(DocumentOutcome.Read.class);
		assertThat(hold(get("/"))).isInstanceOf(DocumentOutcome.Read.class);
	}

	/**
	 * The outcome; a granted request's share is given back at once, as its answer would.
	 */
	private @Nullable DocumentOutcome decide(RequestBuilder request) {
		DocumentOutcome outcome = hold(request);
		if (outcome instanceof DocumentOutcome.Granted granted) {
			this.access.release(granted);
		}
		return outcome;
	}

	/** The outcome; a granted request keeps its share. */
	private @Nullable DocumentOutcome hold(RequestBuilder request) {
		return this.access.decide(request.build()).block(Duration.ofSeconds(5));
	}

	private PageKind refusal(RequestBuilder request) {
		DocumentOutcome outcome = decide(request);
		assertThat(outcome).isInstanceOf(DocumentOutcome.Refused.class);
		return ((DocumentOutcome.Refused) outcome).page();
	}

	private Sessions.Valid valid() {
		Instant now = Instant.parse("2026-12-07T10:00:00Z");
		SessionClaims claims = new SessionClaims("session-1", "tenant-1", this.link.id(), this.sessionRights, 0, true,
				now, now.plus(Duration.ofHours(12)), now, 0);
		return new Sessions.Valid(claims, this.link, new TenantSettings("tenant-1", Verification.ADDRESS, false, null,
				true, false, null, true, true, 0, null, false, Sharing.VIEW, 1, now), null);
	}

	private static Link link(Set<Right> completed) {
		Instant now = Instant.parse("2026-12-07T10:00:00Z");
		return new Link("link1", "tenant-1", "/invoices/7", EnumSet.of(Right.VIEW, Right.SIGN, Right.PAY), new byte[32],
				"fr", now, now.plus(Duration.ofDays(7)), null, 0, completed, true);
	}

	private static RequestBuilder get(String rest) {
		return new RequestBuilder("GET", rest);
	}

	/** A same-origin POST, as a browser on the gateway's page sends it. */
	private static RequestBuilder post(String rest) {
		return new RequestBuilder("POST", rest).origin(ORIGIN, "same-origin");
	}

	/** A document request as {@link DocumentRequest#read} would read it. */
	private static final class RequestBuilder {

		private String method;

		private final String rest;

		private @Nullable String query;

		private @Nullable String cookie = COOKIE;

		private long length = -1;

		private List<String> keys = List.of();

		private @Nullable String origin;

		private @Nullable String site;

		RequestBuilder(String method, String rest) {
			this.method = method;
			this.rest = rest;
		}

		RequestBuilder method(String method) {
			this.method = method;
			return this;
		}

		RequestBuilder query(String query) {
			this.query = query;
			return this;
		}

		RequestBuilder cookie(@Nullable String cookie) {
			this.cookie = cookie;
			return this;
		}

		RequestBuilder length(long length) {
			this.length = length;
			return this;
		}

		RequestBuilder keys(String... keys) {
			this.keys = List.of(keys);
			return this;
		}

		RequestBuilder origin(@Nullable String origin, @Nullable String site) {
			this.origin = origin;
			this.site = site;
			return this;
		}

		DocumentRequest build() {
			return new DocumentRequest(this.method, "/d/link1" + this.rest, this.query, "link1", this.rest,
					(this.cookie != null) ? List.of(this.cookie) : List.of(), List.of(), List.of(), this.length,
					"application/x-www-form-urlencoded", this.keys, this.origin, this.site,
					new InetSocketAddress("198.51.100.7", 50000), List.of(), false, ORIGIN, null);
		}

	}

}
