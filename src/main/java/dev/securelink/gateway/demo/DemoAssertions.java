package dev.securelink.gateway.demo;

import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import dev.securelink.gateway.keys.Ed25519Signer;

/**
 * How {@link DemoDocumentService} checks the gateway's assertion, as a real document
 * service would: against the keys the gateway publishes, fetched once.
 */
final class DemoAssertions {

	private final String jwksUrl;

	private final AtomicReference<JWKSet> keys = new AtomicReference<>();

	DemoAssertions(String jwksUrl) {
		this.jwksUrl = jwksUrl;
	}

	/**
	 * Checks the assertion as a document service should: signature by the published key,
	 * audience, expiry, and that the path asked for is the document the assertion names
	 * or lies below it. Answers the verdict, a paragraph for the page.
	 */
	Mono<String> verify(String assertion, String path) {
		if (assertion == null) {
			return Mono.just("<p class=\"bad\">No gateway assertion received.</p>");
		}
		return jwks().map((keys) -> {
			try {
				SignedJWT jwt = SignedJWT.parse(assertion);
				JWK key = keys.getKeyByKeyId(jwt.getHeader().getKeyID());
				JWTClaimsSet claims = jwt.getJWTClaimsSet();
				boolean valid = key != null && jwt.verify(verifier(key))
						&& claims.getAudience().contains("securelink-upstream")
						&& claims.getExpirationTime().after(new Date()) && names(claims.getStringClaim("doc"), path);
				if (!valid) {
					return "<p class=\"bad\">The gateway assertion did not verify.</p>";
				}
				return "<p class=\"ok\" id=\"assertion\">Gateway assertion verified: link "
						+ HtmlUtils.htmlEscape(claims.getSubject()) + ", tenant "
						+ HtmlUtils.htmlEscape(claims.getStringClaim("tenant")) + ", rights "
						+ HtmlUtils.htmlEscape(String.join(" ", claims.getStringListClaim("rights"))) + ".</p>";
			}
			catch (Exception ex) {
				return "<p class=\"bad\">The gateway assertion could not be read.</p>";
			}
		});
	}

	/** ES256 or EdDSA, as the gateway is configured. */
	private static JWSVerifier verifier(JWK key) throws JOSEException {
		if (key instanceof OctetKeyPair okp) {
			return Ed25519Signer.verifier(okp);
		}
		return new ECDSAVerifier((ECKey) key);
	}

	private static boolean names(String document, String path) {
		return document != null && (path.equals(document) || path.startsWith(document + "/"));
	}

	private Mono<JWKSet> jwks() {
		JWKSet cached = this.keys.get();
		if (cached != null) {
			return Mono.just(cached);
		}
		return HttpClient.create().get().uri(this.jwksUrl).responseContent().aggregate().asString().map((json) -> {
			try {
				JWKSet parsed = JWKSet.parse(json);
				this.keys.set(parsed);
				return parsed;
			}
			catch (java.text.ParseException ex) {
				throw new IllegalStateException("The gateway's JWKS is not valid", ex);
			}
		});
	}

}
