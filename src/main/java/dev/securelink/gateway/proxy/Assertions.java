package dev.securelink.gateway.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaders;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.SigningKey;
import dev.securelink.gateway.link.RecipientSharing;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.session.SessionClaims;
import dev.securelink.gateway.session.Sessions;

/**
 * The identity the upstream receives with every proxied request: the link, tenant and
 * rights headers and the assertion, a JWT saying the same and naming the link's document
 * ({@code doc}), signed with ES256 (or EdDSA,
 * {@code securelink.keys.assertion-algorithm}) and verifiable with
 * {@code /.well-known/jwks.json}. A signature is the largest single cost of a session's
 * first request, so each session's headers are built once and reused until shortly before
 * the assertion expires; they are copied into each request whole (Netty copies validated
 * headers without validating and hashing every name again).
 */
@Component
class Assertions {

	static final String AUDIENCE = "securelink-upstream";

	private static final Duration LIFETIME = Duration.ofMinutes(15);

	private static final Duration REUSE = Duration.ofMinutes(10);

	private final SigningKey signer;

	private final String issuer;

	private final Clock clock;

	/** Built once per session and never modified afterwards: requests copy them. */
	private final Cache<String, HttpHeaders> bySession = Caffeine.newBuilder()
		.expireAfterWrite(REUSE)
		.maximumSize(100_000)
		.build();

	private final int maxDepth;

	private final DocumentOrigins origins;

	Assertions(GatewayKeys keys, GatewayProperties properties, Clock clock, RecipientSharing sharing,
			DocumentOrigins origins) {
		this.maxDepth = sharing.maxDepth();
		this.origins = origins;
		this.signer = keys.assertionSigner();
		this.issuer = properties.baseUrl();
		this.clock = clock;
	}

	/**
	 * The identity headers of {@code session} on its link's {@code document}: read them
	 * or copy them, never modify them. A link's document never changes, so the session id
	 * keys them.
	 */
	HttpHeaders forSession(Sessions.Valid valid, String document) {
		SessionClaims session = valid.claims();
		return this.bySession.get(session.id(),
				(id) -> DefaultHttpHeadersFactory.headersFactory()
					.newHeaders()
					.add(ProxyHeaders.LINK, session.linkId())
					.add(ProxyHeaders.TENANT, session.tenantId())
					.add(ProxyHeaders.RIGHTS, String.join(" ", session.rights().stream().map(Right::id).toList()))
					.add(ProxyHeaders.ASSERTION,
							sign(session, document, valid.shareable(this.maxDepth).stream().map(Right::id).toList())));
	}

	/** The public key that verifies assertions, as a JWK. */
	JWK publicKey() {
		return this.signer.publicJwk();
	}

	private String sign(SessionClaims session, String document, List<String> shareable) {
		Instant now = this.clock.instant();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.audience(AUDIENCE)
			.subject(session.linkId())
			.jwtID(session.id())
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now.minusSeconds(30)))
			.expirationTime(Date.from(now.plus(LIFETIME)))
			.claim("tenant", session.tenantId())
			// The upstream checks that the path it serves is this document or below it.
			.claim("doc", document)
			.claim("rights", List.copyOf(session.rights().stream().map(Right::id).collect(Collectors.toList())))
			.claim("email_verified", session.emailVerified())
			// The recipient's index, and who shared the document with them: "signed by
			// B on behalf of A".
			.claim("recipient", (session.recipient() >= 0) ? session.recipient() : null)
			.claim("delegated_by", (session.delegatedBy() >= 0) ? session.delegatedBy() : null)
			// Whether the document may show a "share" button, and what it may pass on.
			// Where a recipient says the document was not meant for them.
			.claim("not_for_me",
					(session.recipient() >= 0 && session.emailVerified())
							? GatewayPaths.notForMe(this.origins.separate(), session.linkId()) : null)
			.claim("share",
					shareable.isEmpty() ? null
							: Map.of("path", GatewayPaths.share(this.origins.separate(), session.linkId()), "rights",
									shareable))
			.build();
		return this.signer.sign(claims, null);
	}

}
