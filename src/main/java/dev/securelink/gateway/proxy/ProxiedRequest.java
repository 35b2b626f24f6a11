package dev.securelink.gateway.proxy;

import java.net.InetSocketAddress;
import java.util.StringJoiner;

import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.edge.ClientAddress;
import dev.securelink.gateway.session.Sessions;

/**
 * A document request as it goes to the upstream, built once by the route: the part of the
 * link's document it asks for, where the answer's redirects stay confined to, the
 * gateway's identity and forwarding headers, and the refreshed session cookie the answer
 * carries; a sign or pay submission adds its body, already read, and its
 * {@code Idempotency-Key}.
 *
 * @param document the link's document path, without a trailing slash
 * @param rest the requested part of it, from its '/' (already confined)
 * @param query the raw query, or null
 * @param linkBase the document space the visitor sees ({@code /d/{linkId}/}), where an
 * upstream redirect inside the document is rewritten to
 * @param identity the gateway's headers: link, tenant, rights and the signed assertion
 * @param forwardedFor the {@code X-Forwarded-For} the upstream gets
 * @param setCookie the session's refreshed cookie for the answer, or null
 * @param body a submission's body, read whole, or null to stream the request's own
 * @param idempotencyKey a submission's key, or null
 * @param host the document's own host, the {@code X-Forwarded-Host} the upstream gets
 * instead of the gateway's, or null on the gateway's origin
 * @param shared whether the document is on the gateway's shared origin, where its active
 * content gets a CSP {@code sandbox} ({@link AnswerHeaders})
 * @param actionPage whether it reads a sign or pay page (whose HTML form must post from
 * the gateway's origin, unsandboxed)
 */
record ProxiedRequest(String document, String rest, @Nullable String query, String linkBase, HttpHeaders identity,
		String forwardedFor, @Nullable String setCookie, byte @Nullable [] body, @Nullable String idempotencyKey,
		@Nullable String host, boolean shared, boolean actionPage) {

	/**
	 * The request of {@code session} as it goes upstream, with {@code identity} (the
	 * session's assertion) and the forwarding chain: a trusted proxy's
	 * {@code X-Forwarded-For} is extended with its address, anyone else's replaced;
	 * {@code actionPage} says it reads a sign or pay page.
	 */
	static ProxiedRequest of(DocumentRequest request, Sessions.Valid session, boolean actionPage, HttpHeaders identity,
			boolean trustedPeer) {
		InetSocketAddress peer = request.peer();
		String address = ClientAddress.hostAddress(peer);
		StringJoiner forwardedFor = new StringJoiner(", ");
		if (trustedPeer) {
			for (String line : request.forwardedFor()) {
				for (String hop : line.split(",")) {
					if (!hop.isBlank()) {
						forwardedFor.add(hop.trim());
					}
				}
			}
		}
		forwardedFor.add(address);
		String setCookie = (session.refresh() != null) ? String.valueOf(session.refresh()) : null;
		return new ProxiedRequest(withoutTrailingSlash(session.link().document()), request.rest(), request.query(),
				DocumentSpaces.base(request), identity, forwardedFor.toString(), setCookie, null, null,
				request.ownOrigin() ? request.host() : null, !request.ownOrigin(), actionPage);
	}

	/** The same request carrying a submission's {@code body} and {@code key}. */
	ProxiedRequest submission(byte[] body, String key) {
		return new ProxiedRequest(this.document, this.rest, this.query, this.linkBase, this.identity, this.forwardedFor,
				this.setCookie, body, key, this.host, this.shared, false);
	}

	/** The path and query on the upstream, below its URL's path. */
	String pathAndQuery() {
		return this.document + this.rest + ((this.query != null) ? "?" + this.query : "");
	}

	static String withoutTrailingSlash(String value) {
		int end = value.length();
		while (end > 0 && value.charAt(end - 1) == '/') {
			end--;
		}
		return value.substring(0, end);
	}

}
