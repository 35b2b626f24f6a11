package dev.securelink.gateway.proxy;

import java.time.Clock;
import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditOutcome;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.edge.ClientAddress;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.session.Sessions;

/**
 * What a visitor did in a document session, on the audit trail: the session's first
 * request ({@code opened}, once per session), a sign or pay page read, a submission and
 * how it was answered. The client is kept as a keyed hash of its address.
 */
@Component
class SessionAudit {

	private static final Log logger = LogFactory.getLog(SessionAudit.class);

	private final AuditLog audit;

	private final ClientAddress clients;

	private final Clock clock;

	/**
	 * Sessions whose {@code opened} this instance queued, each with its write: complete
	 * once written (or once its failure is logged). The database dedups across instances.
	 */
	private static final Mono<Void> WRITTEN = Mono.empty();

	/** How long a sign or pay event waits for its session's opening to be written. */
	private static final Duration OPENING_WAIT = Duration.ofSeconds(5);

	private final Cache<String, Mono<Void>> opened = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterWrite(Duration.ofHours(13))
		.build();

	SessionAudit(AuditLog audit, ClientAddress clients, Clock clock) {
		this.audit = audit;
		this.clients = clients;
		this.clock = clock;
	}

	/**
	 * The session's {@code opened}, queued unless this instance queued it already; the
	 * write of it. Reading stays available when the audit database hiccups: a failure is
	 * logged, and the session's next request tries again.
	 */
	private Mono<Void> opened(DocumentRequest request, Sessions.Valid session) {
		String id = session.claims().id();
		Mono<Void> queued = this.opened.getIfPresent(id);
		if (queued != null) {
			return queued;
		}
		Mono<Void> written = Mono
			.defer(() -> this.audit.recordOpened(event(request, session, AuditType.OPENED, AuditOutcome.OK, null)))
			.onErrorResume((ex) -> {
				logger.warn("Could not audit a document opening: " + ex.getClass().getSimpleName());
				this.opened.invalidate(id);
				return Mono.empty();
			})
			.cache();
		Mono<Void> raced = this.opened.asMap().putIfAbsent(id, written);
		if (raced != null) {
			return raced;
		}
		// Written whether or not anyone waits for it (a plain read does not); once it is,
		// the entry shrinks to a shared constant.
		written.subscribe(null, null, () -> this.opened.asMap().replace(id, written, WRITTEN));
		return written;
	}

	/**
	 * The session's {@code opened} queued if need be, and waited for (at most
	 * {@link #OPENING_WAIT}): what the session does next stays after it in the chain.
	 */
	private Mono<Void> afterOpening(DocumentRequest request, Sessions.Valid session) {
		return opened(request, session).timeout(OPENING_WAIT, Mono.empty());
	}

	/**
	 * A read of the document: the session's {@code opened} queued (a read does not wait
	 * for it), and when it reads the page of {@code action}, {@code sign_viewed} or
	 * {@code pay_viewed}, durable before it is forwarded, after the opening.
	 */
	Mono<Void> read(DocumentRequest request, Sessions.Valid session, @Nullable Right action) {
		if (action == null) {
			opened(request, session);
			return Mono.empty();
		}
		return afterOpening(request, session).then(this.audit.record(event(request, session,
				(action == Right.SIGN) ? AuditType.SIGN_VIEWED : AuditType.PAY_VIEWED, AuditOutcome.OK, null)));
	}

	/**
	 * A sign or pay submission: durable before it is forwarded, so that a signature or
	 * payment the audit trail does not know of never happens.
	 */
	Mono<Void> submitted(DocumentRequest request, Sessions.Valid session, Right action) {
		// After the session's opening, queued here if this instance has none: a session
		// whose read went to another instance a moment ago is recorded opening first all
		// the same (the database keeps one opening per session).
		return afterOpening(request, session).then(this.audit.record(event(request, session,
				(action == Right.SIGN) ? AuditType.SIGNED : AuditType.PAID, AuditOutcome.REQUESTED, null)));
	}

	/**
	 * A submission that was not forwarded ({@code replayed} or {@code refused}, the
	 * detail holds the status it was answered with): the evidence shows every submission.
	 * A failure is logged and does not change the answer.
	 */
	Mono<Void> notForwarded(DocumentRequest request, Sessions.Valid session, Right action, AuditOutcome outcome,
			AuditDetail.NotForwarded detail) {
		AuditType type = (action == Right.SIGN) ? AuditType.SIGNED : AuditType.PAID;
		return this.audit.record(event(request, session, type, outcome, detail)).onErrorResume((ex) -> {
			logger.warn("Could not audit a " + type.id() + " request not forwarded: " + ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	/**
	 * How a submission was answered, written before the answer is complete; a failure is
	 * logged and does not change the answer.
	 */
	Mono<Void> answered(DocumentRequest request, Sessions.Valid session, Right action, AuditDetail.Answered answer) {
		AuditType type = (action == Right.SIGN) ? AuditType.SIGN_ANSWERED : AuditType.PAY_ANSWERED;
		return this.audit.record(event(request, session, type, AuditOutcome.OK, answer)).onErrorResume((ex) -> {
			logger.warn("Could not audit the answer to a " + type.id() + " request: " + ex.getClass().getSimpleName());
			return Mono.empty();
		});
	}

	private AccessEvent event(DocumentRequest request, Sessions.Valid session, AuditType type, AuditOutcome outcome,
			@Nullable AuditDetail detail) {
		String client = this.clients.client(request.peer(), request.forwardedFor());
		return AccessEvent.ofSession(type, outcome, session.link().tenantId(), session.link().id(),
				this.audit.clientHash(client), this.clock.instant(), session.claims().id(),
				onBehalf(session, type, detail));
	}

	/**
	 * {@code detail} of a session whose recipient someone shared the document with, with
	 * their index and who shared it: the evidence says "B, on behalf of A".
	 */
	static @Nullable AuditDetail onBehalf(Sessions.Valid session, AuditType type, @Nullable AuditDetail detail) {
		if (session.claims().delegatedBy() < 0) {
			return detail;
		}
		AuditDetail.Delegated delegation = new AuditDetail.Delegated(session.claims().recipient(),
				session.claims().delegatedBy());
		if (detail instanceof AuditDetail.Answered answered) {
			return answered.onBehalf(delegation);
		}
		if (detail instanceof AuditDetail.NotForwarded notForwarded) {
			return notForwarded.onBehalf(delegation);
		}
		if (type == AuditType.SIGNED || type == AuditType.PAID) {
			return new AuditDetail.NotForwarded(null, null, delegation.recipient(), delegation.delegatedBy());
		}
		return (detail != null) ? detail : delegation;
	}

}
