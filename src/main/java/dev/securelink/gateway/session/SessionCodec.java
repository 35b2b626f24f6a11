package dev.securelink.gateway.session;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.link.Right;

/**
 * Sessions as compact JWS (HS256 with a {@code kid}): the first configured key signs,
 * every configured key verifies, so keys rotate without ending anyone's session. A
 * verified token's claims are kept briefly by token value, so a busy session pays for
 * parsing and the HMAC once; expiry and link state are still checked on every request by
 * {@link Sessions}.
 */
@Component
public class SessionCodec {

	private static final JOSEObjectType HANDOFF = new JOSEObjectType("securelink-handoff+jwt");

	private static final JOSEObjectType STEP_UP = new JOSEObjectType("securelink-step-up+jwt");

	private final String signingKid;

	private final MACSigner signer;

	private final Map<String, JWSVerifier> verifiers = new LinkedHashMap<>();

	private final Cache<String, SessionClaims> verified = Caffeine.newBuilder()
		.maximumSize(100_000)
		.expireAfterWrite(Duration.ofMinutes(2))
		.build();

	SessionCodec(GatewayKeys keys) {
		List<GatewayKeys.SessionKey> sessionKeys = keys.sessionKeys();
		try {
			this.signingKid = sessionKeys.get(0).kid();
			this.signer = new MACSigner(sessionKeys.get(0).secret());
			for (GatewayKeys.SessionKey key : sessionKeys) {
				this.verifiers.put(key.kid(), new MACVerifier(key.secret()));
			}
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Session keys must be at least 256 bits", ex);
		}
	}

	String encode(SessionClaims claims) {
		return sign(claims(claims).build(), null);
	}

	/**
	 * A handoff token: {@code claims} for the document's own host, where it becomes the
	 * session's cookie, with the path to land on, an id of its own and a life of
	 * {@code life}; typed apart, so that neither passes for the other.
	 */
	String encodeHandoff(SessionClaims claims, String target, String tokenId, Instant expiresAt) {
		return sign(claims(claims).audience(claims.linkId())
			.claim("tgt", target)
			.claim("hid", tokenId)
			.claim("hexp", expiresAt.getEpochSecond())
			.build(), HANDOFF);
	}

	private static JWTClaimsSet.Builder claims(SessionClaims claims) {
		return new JWTClaimsSet.Builder().jwtID(claims.id())
			.subject(claims.linkId())
			.issueTime(Date.from(claims.issuedAt()))
			.expirationTime(Date.from(claims.expiresAt()))
			.claim("ten", claims.tenantId())
			.claim("rgt", claims.rights().stream().map(Right::id).collect(Collectors.joining(" ")))
			.claim("ep", claims.epoch())
			.claim("ev", claims.emailVerified())
			.claim("seen", claims.seenAt().getEpochSecond())
			.claim("rcp", (claims.recipient() >= 0) ? claims.recipient() : null)
			.claim("mbx", claims.mailboxProven() ? Boolean.TRUE : null)
			.claim("dlg", (claims.delegatedBy() >= 0) ? claims.delegatedBy() : null);
	}

	private String sign(JWTClaimsSet set, @Nullable JOSEObjectType type) {
		SignedJWT jwt = new SignedJWT(
				new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(this.signingKid).type(type).build(), set);
		try {
			jwt.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("HS256 signing failed", ex);
		}
		return jwt.serialize();
	}

	/**
	 * A step-up token: a session verified by an address alone asks for a code before
	 * {@code action}; typed apart from sessions and handoffs.
	 */
	String encodeStepUp(SessionClaims claims, Right action, Instant expiresAt) {
		return sign(claims(claims).claim("act", action.id()).claim("sexp", expiresAt.getEpochSecond()).build(),
				STEP_UP);
	}

	/** A step-up token read: the session that asked, and for which action. */
	record StepUp(SessionClaims claims, Right action) {
	}

	/**
	 * The step-up {@code token} carries, signed by this gateway and not expired at
	 * {@code now}; empty for anything else.
	 */
	Optional<StepUp> decodeStepUp(String token, Instant now) {
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			if (!STEP_UP.equals(jwt.getHeader().getType())) {
				return Optional.empty();
			}
			Optional<SessionClaims> claims = verified(jwt);
			JWTClaimsSet set = jwt.getJWTClaimsSet();
			Long expires = set.getLongClaim("sexp");
			String action = set.getStringClaim("act");
			if (claims.isEmpty() || expires == null || action == null
					|| !now.isBefore(Instant.ofEpochSecond(expires))) {
				return Optional.empty();
			}
			return Optional.of(new StepUp(claims.get(), Right.fromId(action)));
		}
		catch (ParseException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/** A handoff token read: the session it carries, where to land, its own id. */
	record Handoff(SessionClaims claims, String target, String tokenId, Instant expiresAt) {
	}

	/**
	 * The handoff {@code token} carries for the document of {@code linkId}, signed by
	 * this gateway and not expired at {@code now}; empty for anything else.
	 */
	Optional<Handoff> decodeHandoff(String token, String linkId, Instant now) {
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			if (!HANDOFF.equals(jwt.getHeader().getType())) {
				return Optional.empty();
			}
			Optional<SessionClaims> claims = verified(jwt);
			JWTClaimsSet set = jwt.getJWTClaimsSet();
			Instant expiresAt = Instant.ofEpochSecond(set.getLongClaim("hexp"));
			if (claims.isEmpty() || !set.getAudience().equals(List.of(linkId)) || !claims.get().linkId().equals(linkId)
					|| !now.isBefore(expiresAt)) {
				return Optional.empty();
			}
			return Optional
				.of(new Handoff(claims.get(), set.getStringClaim("tgt"), set.getStringClaim("hid"), expiresAt));
		}
		catch (ParseException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The claims of a token this gateway signed with a key it still holds; empty for
	 * anything else.
	 */
	Optional<SessionClaims> decode(String token) {
		SessionClaims cached = this.verified.getIfPresent(token);
		if (cached != null) {
			return Optional.of(cached);
		}
		Optional<SessionClaims> claims = verify(token);
		claims.ifPresent((value) -> this.verified.put(token, value));
		return claims;
	}

	private Optional<SessionClaims> verify(String token) {
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			// A handoff token is no session cookie.
			return (jwt.getHeader().getType() == null) ? verified(jwt) : Optional.empty();
		}
		catch (ParseException | RuntimeException ex) {
			return Optional.empty();
		}
	}

	/**
	 * The claims of {@code jwt} when this gateway signed it with a key it still holds.
	 */
	private Optional<SessionClaims> verified(SignedJWT jwt) {
		try {
			JWSVerifier verifier = this.verifiers.get(jwt.getHeader().getKeyID());
			if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || verifier == null
					|| !jwt.verify(verifier)) {
				return Optional.empty();
			}
			JWTClaimsSet set = jwt.getJWTClaimsSet();
			Set<Right> rights = EnumSet.noneOf(Right.class);
			for (String right : set.getStringClaim("rgt").split(" ")) {
				rights.add(Right.fromId(right));
			}
			return Optional.of(new SessionClaims(set.getJWTID(), set.getStringClaim("ten"), set.getSubject(), rights,
					set.getIntegerClaim("ep"), set.getBooleanClaim("ev"), set.getIssueTime().toInstant(),
					set.getExpirationTime().toInstant(), Instant.ofEpochSecond(set.getLongClaim("seen")),
					(set.getIntegerClaim("rcp") != null) ? set.getIntegerClaim("rcp") : -1,
					Boolean.TRUE.equals(set.getBooleanClaim("mbx")),
					(set.getIntegerClaim("dlg") != null) ? set.getIntegerClaim("dlg") : -1));
		}
		catch (ParseException | JOSEException | RuntimeException ex) {
			// Forged, truncated or foreign: every unusable token is simply no session.
			return Optional.empty();
		}
	}

}
