package dev.securelink.gateway.link;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeNotifier;

/**
 * "This was not meant for me": a verified recipient of a mistyped address ends their own
 * access, and the link's when no one else can open it, on the record and on every
 * instance, so that the company can send the document to the right person.
 */
@Component
public class Misdirections {

	private final LinkRecipients recipients;

	private final LinkRepository links;

	private final AuditLog audit;

	private final ChangeNotifier changes;

	private final TransactionalOperator transaction;

	private final LinkCache cache;

	private final Clock clock;

	Misdirections(LinkRecipients recipients, LinkRepository links, AuditLog audit, ChangeNotifier changes,
			TransactionalOperator transaction, LinkCache cache, Clock clock) {
		this.recipients = recipients;
		this.links = links;
		this.audit = audit;
		this.changes = changes;
		this.transaction = transaction;
		this.cache = cache;
		this.clock = clock;
	}

	/**
	 * What "not meant for me" came to: everyone removed (empty when the link was no
	 * longer active, or the recipient gone already), and whether the link was revoked.
	 */
	public record Misdirection(List<Integer> removed, boolean linkRevoked) {
	}

	/**
	 * The recipient at {@code index} said the link was not meant for them: they are
	 * revoked for good (a recipient the link was created for, or one added since with
	 * everyone they added), and the link too when no one else can open it; audited
	 * {@code misdirected} (and {@code revoked}) with the visitor's keyed {@code client}
	 * hash, announced to every instance.
	 */
	public Mono<Misdirection> misdirected(Link link, int index, String client) {
		Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
		return this.recipients.lockActive(link.id(), now).flatMap((named) -> {
			int count = named.length / RecipientMacs.MAC_BYTES;
			// A named recipient is revoked for good, with everyone they shared with; one
			// added since is removed with whoever they added.
			Mono<List<Integer>> removed = (index >= 0 && index < count)
					? this.recipients
						.revokeNamed(link.id(), index,
								Arrays.copyOfRange(named, index * RecipientMacs.MAC_BYTES,
										(index + 1) * RecipientMacs.MAC_BYTES),
								link.rights(), now)
						.flatMap((revoked) -> revoked
								? this.recipients.removeWithTheirs(link.id(), -1, index, now)
									.map((theirs) -> Stream.concat(Stream.of(index), theirs.stream()).toList())
								: Mono.just(List.of()))
					: this.recipients.removeWithTheirs(link.id(), index, -1, now);
			return removed.filter((gone) -> !gone.isEmpty())
				.flatMap((gone) -> this.recipients.left(link.id(), count).flatMap((left) -> {
					boolean revoke = left == 0;
					return this.audit
						.record(AccessEvent.recipients(AuditType.MISDIRECTED, link.tenantId(), link.id(), null, client,
								now, new AuditDetail.Misdirected(index, gone, revoke)))
						.then(revoke
								? this.links.revoke(link.tenantId(), link.id(), now)
									.filter(LinkRepository.Revocation::first)
									.flatMap((first) -> this.audit.record(
											AccessEvent.revokedByRecipient(link.tenantId(), link.id(), client, now)))
								: Mono.empty())
						.then(this.changes.notify(new Change(Change.Kind.LINK, link.id())))
						.thenReturn(new Misdirection(List.copyOf(gone), revoke));
				}));
		})
			.defaultIfEmpty(new Misdirection(List.of(), false))
			.as(this.transaction::transactional)
			.doOnSuccess((misdirection) -> this.cache.changed(new Change(Change.Kind.LINK, link.id())));
	}

}
