package dev.securelink.gateway.demo;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Date;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * How {@link DemoDocumentService} checks the gateway's assertion, as a real document
 * service would: against the keys the gateway publishes, fetched once.
 */
final class DemoAssertions {

	/** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410). */
	private static final byte[] ED25519_INFO = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21,
			0x00 };

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
				boolean valid = key != null && verifies(jwt, key)
						&& claims.getAudience().contains("securelink-upstream")
						&& claims.getExpirationTime().after(new Date()) && names(claims.getStringClaim("doc"), path);
				if (!valid) {
					return "<p class=\"bad\">The gateway assertion did not verify.</p>";
				}
				return "<p class=\"ok\" id=\"assertion\">Gateway assertion verified: link "
						+ HtmlUtils.htmlEscape(claims.getSubject()) + ", tenant "
						+ HtmlUtils.htmlEscape(claims.getStringClaim("tenant")) + ", rights "
						+ HtmlUtils.htmlEscape(String.join(" ", claims.getStringListClaim("rights"))) + ".</p>"
						+ delegation(claims) + share(claims) + notForMe(claims);
			}
			catch (Exception ex) {
				return "<p class=\"bad\">The gateway assertion could not be read.</p>";
			}
		});
	}

	/**
	 * Whether the key published as {@code key} signed {@code jwt}: ES256 through Nimbus,
	 * EdDSA through the JDK's own Ed25519 (Nimbus's needs Google Tink), as any document
	 * service can.
	 */
	private static boolean verifies(SignedJWT jwt, JWK key) throws JOSEException, GeneralSecurityException {
		if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())
				&& JWSAlgorithm.EdDSA.equals(jwt.getHeader().getAlgorithm())) {
			byte[] x = okp.getDecodedX();
			// RFC 8410's SubjectPublicKeyInfo of an Ed25519 key: a fixed prefix, then its
			// 32 bytes.
			byte[] info = new byte[ED25519_INFO.length + x.length];
			System.arraycopy(ED25519_INFO, 0, info, 0, ED25519_INFO.length);
			System.arraycopy(x, 0, info, ED25519_INFO.length, x.length);
			Signature signature = Signature.getInstance("Ed25519");
			signature.initVerify(KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(info)));
			signature.update(jwt.getSigningInput());
			return signature.verify(jwt.getSignature().decode());
		}
		return key instanceof ECKey ec && JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())
				&& jwt.verify(new ECDSAVerifier(ec));
	}

	/**
	 * Who acted, when someone shared the document with them: "recipient B on behalf of
	 * recipient A", as a document service shows a signature by a colleague.
	 */
	private static String delegation(JWTClaimsSet claims) throws java.text.ParseException {
		Integer by = claims.getIntegerClaim("delegated_by");
		Integer recipient = claims.getIntegerClaim("recipient");
		if (by == null || recipient == null) {
			return "";
		}
		return "<p id=\"delegation\">Opened by recipient " + recipient + ", on behalf of recipient " + by
				+ ", who shared it.</p>";
	}

	/** The share button, when the assertion says this visitor may share. */
	private static String share(JWTClaimsSet claims) throws java.text.ParseException {
		java.util.Map<String, Object> share = claims.getJSONObjectClaim("share");
		if (share == null || !(share.get("path") instanceof String path) || !path.startsWith("/_gw/share")) {
			return "";
		}
		return "<p><a id=\"share\" href=\"" + HtmlUtils.htmlEscape(path)
				+ "\">Share with a colleague or your accountant</a></p>";
	}

	/** "Not meant for me?", when the assertion names the page (a verified recipient). */
	private static String notForMe(JWTClaimsSet claims) throws java.text.ParseException {
		String path = claims.getStringClaim("not_for_me");
		if (path == null || !path.startsWith("/_gw/not-for-me")) {
			return "";
		}
		return "<p><a id=\"not-for-me\" href=\"" + HtmlUtils.htmlEscape(path) + "\">This was not meant for me</a></p>";
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
