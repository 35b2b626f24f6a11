package dev.securelink.gateway.proxy;

import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.session.Sessions;

/**
 * What a document request comes to, decided by {@link DocumentAccess} and acted on by
 * {@link DocumentRoute}: refused with one of the gateway's pages, or granted to a session
 * (a read, forwarded as it is, or a sign or pay submission, forwarded through
 * {@link ActionSubmissions}). A granted request holds one of its session's shares until
 * {@link DocumentAccess#release} gives it back.
 */
sealed interface DocumentOutcome {

	/**
	 * Refused before anything reached the upstream.
	 *
	 * @param link the session's link when the refusal came after the session was known
	 * (its locale counts for the page), or null
	 */
	record Refused(PageKind page, @Nullable Link link) implements DocumentOutcome {
	}

	/**
	 * A sign or pay request of a session verified by an address alone, for a tenant that
	 * asks for a code first: sent to the gateway's step-up page, nothing forwarded.
	 */
	record StepUp(Sessions.Valid session, Right action) implements DocumentOutcome {
	}

	/** A request of a valid session that is forwarded. */
	sealed interface Granted extends DocumentOutcome {

		Sessions.Valid session();

	}

	/**
	 * A GET or HEAD, forwarded as it is.
	 *
	 * @param action the action whose page it reads (audited as viewed), or null for the
	 * rest of the document
	 */
	record Read(Sessions.Valid session, @Nullable Right action) implements Granted {
	}

	/**
	 * A sign or pay submission from the gateway's origin, by a session with the right,
	 * for an action not done yet.
	 *
	 * @param clientKey the client's own {@code Idempotency-Key} (valid), or null for a
	 * derived one
	 */
	record Submit(Sessions.Valid session, Right action, @Nullable String clientKey) implements Granted {
	}

}
