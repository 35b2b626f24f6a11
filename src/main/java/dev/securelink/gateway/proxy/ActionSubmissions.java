package dev.securelink.gateway.proxy;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditOutcome;
import dev.securelink.gateway.keys.Sha256;
import dev.securelink.gateway.link.LinkCompletion;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.session.Sessions;

/**
 * The sign and pay protocol, wrapped around a forward the way a webhook platform's
 * idempotency middleware wraps any route:
 * <ol>
 * <li>the body is read whole (at most {@link DocumentAccess#MAX_ACTION_BODY}, 413
 * beyond): its fingerprint decides the key, its SHA-256 is the evidence of what was
 * signed;</li>
 * <li>the key (the client's {@code Idempotency-Key}, or one derived from the link, the
 * action and the fingerprint) is reserved in PostgreSQL, exact across instances: the same
 * submission under way is 409, the same key with another request 422, an answered one is
 * replayed and nothing forwarded;</li>
 * <li>the submission is audited durably, then forwarded with its key;</li>
 * <li>before the answer's last byte: a signature the upstream accepted completes a link
 * that signs once, the answer is kept for replay (or the key forgotten for a 5xx or a
 * large answer), and the answer audited; when the gateway answers with a page instead,
 * the key is forgotten and the page audited before it goes out;</li>
 * <li>a failure or a cancel before the answer settles forgets the key, so a retry is
 * forwarded again; once it settles, the settling runs to its end even when the client
 * hangs up, and the kept answer stays.</li>
 * </ol>
 */
@Component
class ActionSubmissions {

	private static final Log logger = LogFactory.getLog(ActionSubmissions.class);

	private final IdempotencyRecords records;

	private final SessionAudit audit;

	private final LinkCompletion completion;

	private final IdempotencyKeys keys;

	ActionSubmissions(IdempotencyRecords records, SessionAudit audit, LinkCompletion completion, IdempotencyKeys keys) {
		this.records = records;
		this.audit = audit;
		this.completion = completion;
		this.keys = keys;
	}

	/** What a submission came to, for the route to write. */
	sealed interface Result {

	}

	/** The upstream's answer went out. */
	record Answered() implements Result {
	}

	/** The gateway answers with its page (the key is already forgotten). */
	record Page(PageKind kind) implements Result {
	}

	/** The stored answer of the same submission, to replay; nothing was forwarded. */
	record Replay(IdempotencyRecords.Done done) implements Result {
	}

	/** The forward the protocol wraps: the next step, in middleware terms. */
	@FunctionalInterface
	interface Forward {

		/**
		 * Sends the submission upstream with {@code capture} watching its answer; answers
		 * the page the gateway writes instead of an answer, or empty once the upstream's
		 * answer went out.
		 */
		Mono<PageKind> send(byte[] body, String key, AnswerCapture capture);

	}

	Mono<Result> submit(DocumentRequest request, DocumentOutcome.Submit submit, Flux<ByteBuf> content,
			Forward forward) {
		return read(content).flatMap((body) -> {
			String linkId = submit.session().link().id();
			String action = submit.action().id();
			byte[] fingerprint = IdempotencyKeys.fingerprint(request.method(), request.path(), request.contentType(),
					body);
			String scope = IdempotencyKeys.scope(submit.session().claims());
			String clientKey = submit.clientKey();
			String key = (clientKey != null) ? this.keys.scoped(scope, linkId, action, clientKey)
					: this.keys.derived(scope, linkId, action, fingerprint);
			IdempotencyRecords.Key stored = new IdempotencyRecords.Key(linkId, action, IdempotencyKeys.hash(key));
			String bodySha256 = HexFormat.of().formatHex(Sha256.of(body));
			return this.records.reserve(stored, fingerprint).flatMap((reservation) -> {
				if (reservation instanceof IdempotencyRecords.Reserved) {
					return forward(new Submission(request, submit.session(), submit.action(), stored, body, key),
							forward);
				}
				Result result = (reservation instanceof IdempotencyRecords.Done done) ? new Replay(done)
						: new Page((reservation instanceof IdempotencyRecords.InFlight) ? PageKind.IN_FLIGHT
								: PageKind.KEY_REUSED);
				int status = (result instanceof Replay replay) ? replay.done().status()
						: ((Page) result).kind().status().value();
				return this.audit
					.notForwarded(request, submit.session(), submit.action(),
							(result instanceof Replay) ? AuditOutcome.REPLAYED : AuditOutcome.REFUSED,
							new AuditDetail.NotForwarded(status, bodySha256))
					.thenReturn(result);
			});
		}).onErrorResume(BodyTooLarge.class, (ex) -> Mono.just(new Page(PageKind.TOO_LARGE)));
	}

	/** A reserved submission on its way. */
	private record Submission(DocumentRequest request, Sessions.Valid session, Right action,
			IdempotencyRecords.Key stored, byte[] body, String key) {

		AuditDetail.Answered answer(int status, String answeredBy) {
			return new AuditDetail.Answered(status, answeredBy, HexFormat.of().formatHex(Sha256.of(this.body)));
		}

	}

	private Mono<Result> forward(Submission submission, Forward forward) {
		// The key is this submission's to forget until its answer starts settling (the
		// settling keeps or forgets it, and runs to its end even when the client hangs
		// up): a failure or a cancel after that never deletes a kept answer.
		AtomicBoolean ours = new AtomicBoolean(true);
		AnswerCapture capture = new AnswerCapture((status, headers, kept) -> {
			ours.set(false);
			return settle(submission, status, headers, kept);
		});
		return this.audit.submitted(submission.request(), submission.session(), submission.action())
			.then(Mono.defer(() -> forward.send(submission.body(), submission.key(), capture)))
			.flatMap(
					(page) -> forget(submission, ours)
						.then(this.audit.answered(submission.request(), submission.session(), submission.action(),
								submission.answer(page.status().value(), "gateway")))
						.thenReturn((Result) new Page(page)))
			.defaultIfEmpty(new Answered())
			.onErrorResume((ex) -> forget(submission, ours).then(Mono.error(ex)))
			.doOnCancel(() -> forget(submission, ours).subscribe());
	}

	/** Forgets the key while it is still this submission's; a failure is logged. */
	private Mono<Void> forget(Submission submission, AtomicBoolean ours) {
		return ours.compareAndSet(true, false)
				? this.records.release(submission.stored()).onErrorResume((ex) -> warn("forget", ex)) : Mono.empty();
	}

	/**
	 * Settles the upstream's answer before the client has all of it: a signature the
	 * upstream accepted completes a link that signs once, so that no later sign
	 * submission goes out; the answer is kept for replay unless it is not one to replay
	 * (a 5xx, or a body over 64 KB when {@code kept} is null): then the key is forgotten
	 * and a retry is forwarded again, with the same key; and the answer is audited.
	 */
	private Mono<Void> settle(Submission submission, int status, HttpHeaders headers, byte @Nullable [] kept) {
		boolean accepted = status >= 200 && status < 300;
		Mono<Void> signed = (submission.action() == Right.SIGN && accepted)
				? this.completion.signed(submission.session().link()) : Mono.empty();
		Mono<Void> settled = (kept != null && status < 500)
				? this.records.done(submission.stored(), status, headers, kept)
				: this.records.release(submission.stored());
		return Mono.when(signed.then(settled).onErrorResume((ex) -> warn("settle", ex)),
				this.audit.answered(submission.request(), submission.session(), submission.action(),
						submission.answer(status, "upstream")));
	}

	private static Mono<Void> warn(String what, Throwable ex) {
		logger.warn("Could not " + what + " an idempotency key: " + ex.getClass().getSimpleName());
		return Mono.empty();
	}

	/** The body, read whole. */
	private static Mono<byte[]> read(Flux<ByteBuf> content) {
		return content.reduceWith(ByteArrayOutputStream::new, (out, buffer) -> {
			int size = buffer.readableBytes();
			if (out.size() + size > DocumentAccess.MAX_ACTION_BODY) {
				throw new BodyTooLarge();
			}
			byte[] bytes = new byte[size];
			buffer.readBytes(bytes);
			out.write(bytes, 0, size);
			return out;
		}).map(ByteArrayOutputStream::toByteArray).defaultIfEmpty(new byte[0]);
	}

	/** A submission over {@link DocumentAccess#MAX_ACTION_BODY}. */
	private static final class BodyTooLarge extends RuntimeException {

		BodyTooLarge() {
			super("The submission's body is over 1 MB", null, false, false);
		}

	}

}
