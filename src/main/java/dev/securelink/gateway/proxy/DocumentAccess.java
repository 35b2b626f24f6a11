package dev.securelink.gateway.proxy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.edge.SameOrigin;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCompletion;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.link.SafePaths;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.session.Sessions;

/**
 * What a document request comes to, in this order, each step refusing before anything
 * reaches the upstream:
 * <ol>
 * <li>method: one of {@link #PROXIED_METHODS} (405);</li>
 * <li>confinement: the requested path and query must be {@link SafePaths#isSafe safe}
 * (400);</li>
 * <li>size: a declared length over {@code max-body-size} (413);</li>
 * <li>session: valid for this link, from the caches, no query (403 "open the link
 * again");</li>
 * <li>the session's share: at most {@code max-connections-per-session} of its requests
 * under way at once (429), so that one session cannot take the upstream pool;</li>
 * <li>right: under a sign or pay path ({@link ActionPolicy}) every method needs that
 * right, a GET too (an upstream may start a payment on GET); elsewhere only GET and HEAD
 * pass (403);</li>
 * <li>already completed: the action's pages say it is done (200), its submissions are
 * refused (409);</li>
 * <li>a code first: a session verified by an address alone, of a tenant that asks for a
 * code before sign and pay, is sent to the gateway's step-up page (303);</li>
 * <li>a submission only: from the document's origin (its own, or the gateway's) (403),
 * with a valid {@code Idempotency-Key} if any (400), at most {@link #MAX_ACTION_BODY}
 * (413), and not completed on another instance a moment ago (the database decides,
 * 409).</li>
 * </ol>
 */
@Component
class DocumentAccess {

	/** The methods the document space passes on; anything else is 405. */
	static final Set<String> PROXIED_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

	/** {@link #PROXIED_METHODS} as an {@code Allow} header. */
	static final String ALLOW = "GET, HEAD, POST, PUT, PATCH, DELETE";

	/** The largest sign or pay submission: it is read whole before it is forwarded. */
	static final int MAX_ACTION_BODY = 1024 * 1024;

	private final BiFunction<List<String>, String, Mono<Sessions.Check>> sessions;

	private final BiFunction<Link, Right, Mono<Boolean>> completed;

	private final ActionPolicy actions;

	private final long maxBodySize;

	private final int maxPerSession;

	/** Requests under way per session, bounded by {@code max-connections-per-session}. */
	private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();

	@Autowired
	DocumentAccess(Sessions sessions, LinkCompletion completion, UpstreamProperties upstream) {
		this(sessions::check, completion::isDone, ActionPolicy.of(upstream), upstream.maxBodySize().toBytes(),
				upstream.maxConnectionsPerSession());
	}

	/**
	 * The decision on its own collaborators: {@code sessions} checks a request's cookies
	 * for a link, {@code completed} asks the database whether an action is done.
	 */
	DocumentAccess(BiFunction<List<String>, String, Mono<Sessions.Check>> sessions,
			BiFunction<Link, Right, Mono<Boolean>> completed, ActionPolicy actions, long maxBodySize,
			int maxPerSession) {
		this.sessions = sessions;
		this.completed = completed;
		this.actions = actions;
		this.maxBodySize = maxBodySize;
		this.maxPerSession = maxPerSession;
	}

	Mono<DocumentOutcome> decide(DocumentRequest request) {
		if (!PROXIED_METHODS.contains(request.method())) {
			return refused(PageKind.METHOD, null);
		}
		if (!SafePaths.isSafe(request.rest()) || (request.query() != null && !SafePaths.isSafeQuery(request.query()))) {
			return refused(PageKind.BAD_PATH, null);
		}
		if (request.declaredLength() > this.maxBodySize) {
			return refused(PageKind.TOO_LARGE, null);
		}
		return this.sessions.apply(request.cookies(), request.linkId()).flatMap((check) -> {
			if (!(check instanceof Sessions.Valid session)) {
				return refused(PageKind.SESSION, null);
			}
			String id = session.claims().id();
			if (this.inFlight.merge(id, 1, Integer::sum) > this.maxPerSession) {
				give(id);
				return refused(PageKind.BUSY, session.link());
			}
			// A granted outcome holds the share until released; every other end of the
			// decision gives it back, once (a cancel may follow the outcome).
			AtomicBoolean undecided = new AtomicBoolean(true);
			Runnable giveBack = () -> {
				if (undecided.compareAndSet(true, false)) {
					give(id);
				}
			};
			return authorize(request, session).map((outcome) -> {
				if (!(outcome instanceof DocumentOutcome.Granted)) {
					giveBack.run();
					return outcome;
				}
				// A cancel that raced the decision gave the share back already.
				return undecided.compareAndSet(true, false) ? outcome
						: new DocumentOutcome.Refused(PageKind.BUSY, session.link());
			}).doOnError((ex) -> giveBack.run()).doOnCancel(giveBack);
		});
	}

	/** The end of a granted request: its share goes back to its session. */
	void release(DocumentOutcome.Granted granted) {
		give(granted.session().claims().id());
	}

	private Mono<DocumentOutcome> authorize(DocumentRequest request, Sessions.Valid session) {
		Link link = session.link();
		Right action = this.actions.actionOf(request.rest());
		if (action == null) {
			return request.reads() ? Mono.just(new DocumentOutcome.Read(session, null))
					: refused(PageKind.FORBIDDEN, link);
		}
		if (!session.claims().rights().contains(action) || !link.rights().contains(action)) {
			// A colleague was given less than the link has: the page says so.
			return refused((session.claims().delegatedBy() >= 0 && link.rights().contains(action)) ? PageKind.NOT_GIVEN
					: PageKind.FORBIDDEN, link);
		}
		if (request.reads()) {
			if (link.completed().contains(action)) {
				return refused(done(action), link);
			}
			// Nothing of the action reaches the upstream before the code.
			return session.codeBeforeActions() ? Mono.just(new DocumentOutcome.StepUp(session, action))
					: Mono.just(new DocumentOutcome.Read(session, action));
		}
		if (link.completed().contains(action)) {
			return refused(doneAgain(action), link);
		}
		if (session.codeBeforeActions()) {
			return Mono.just(new DocumentOutcome.StepUp(session, action));
		}
		if (!SameOrigin.test(request.home(), request.origin(), request.fetchSite(), true)) {
			return refused(PageKind.FORBIDDEN, link);
		}
		List<String> keys = request.idempotencyKeys();
		if (keys.size() > 1 || (keys.size() == 1 && !IdempotencyKeys.valid(keys.get(0)))) {
			return refused(PageKind.BAD_IDEMPOTENCY_KEY, link);
		}
		if (request.declaredLength() > MAX_ACTION_BODY) {
			return refused(PageKind.TOO_LARGE, link);
		}
		// The cached link may be a moment behind a completion on another instance: the
		// database decides whether a submission still goes out.
		return this.completed.apply(link, action)
			.map((done) -> done ? new DocumentOutcome.Refused(doneAgain(action), link)
					: new DocumentOutcome.Submit(session, action, keys.isEmpty() ? null : keys.get(0)));
	}

	private static PageKind done(Right action) {
		return (action == Right.PAY) ? PageKind.PAID : PageKind.SIGNED;
	}

	private static PageKind doneAgain(Right action) {
		return (action == Right.PAY) ? PageKind.PAID_AGAIN : PageKind.SIGNED_AGAIN;
	}

	private static Mono<DocumentOutcome> refused(PageKind page, @Nullable Link link) {
		return Mono.just(new DocumentOutcome.Refused(page, link));
	}

	/**
	 * One request fewer under way for {@code sessionId}; the entry goes when none is
	 * left.
	 */
	private void give(String sessionId) {
		this.inFlight.computeIfPresent(sessionId, (id, count) -> (count > 1) ? count - 1 : null);
	}

}
