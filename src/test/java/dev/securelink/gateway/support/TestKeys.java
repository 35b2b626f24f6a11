package dev.securelink.gateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.securelink.gateway.keys.KeysProperties;

/**
 * Keys for the tests, made once per JVM: the gateway's own secrets, and an RSA key
 * standing in for the invoicing application's token issuer (its public half is what the
 * gateway trusts).
 */
public final class TestKeys {

	public static final String EMAIL_PEPPER = base64("test-pepper-test-pepper-test-pepper!");

	public static final String SESSION = "t1:" + base64("test-session-key-test-session-key-1");

	/**
	 * The {@code iss} and {@code aud} the gateway requires of admin tokens in the tests.
	 */
	public static final String ISSUER_ID = "https://invoicing.test";

	public static final String AUDIENCE = "securelink-admin";

	private static final KeyPair ISSUER = generate("RSA", null);

	private static final KeyPair ASSERTION = generate("EC", new ECGenParameterSpec("secp256r1"));

	private static final KeyPair CHECKPOINT = generate("EC", new ECGenParameterSpec("secp256r1"));

	private static final KeyPair ED25519 = generate("Ed25519", null);

	private static Path issuerPublicKey;

	private TestKeys() {
	}

	/**
	 * The properties that configure the gateway's keys and its trust in the test issuer.
	 */
	public static synchronized Map<String, Object> springProperties() {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("securelink.keys.email-pepper", EMAIL_PEPPER);
		properties.put("securelink.keys.session", SESSION);
		properties.put("securelink.keys.assertion", assertionPem());
		properties.put("securelink.keys.checkpoint", checkpointPem());
		properties.put("spring.security.oauth2.resourceserver.jwt.public-key-location",
				issuerPublicKey().toUri().toString());
		properties.put("spring.security.oauth2.resourceserver.jwt.audiences", AUDIENCE);
		properties.put("securelink.admin.issuer", ISSUER_ID);
		return properties;
	}

	/** The gateway's checkpoint key, PKCS#8 PEM. */
	public static String checkpointPem() {
		return pem("PRIVATE KEY", CHECKPOINT.getPrivate().getEncoded());
	}

	/**
	 * The gateway's keys as configured in the tests, for tests that build them without
	 * Spring.
	 */
	public static KeysProperties keysProperties() {
		return new KeysProperties(EMAIL_PEPPER, SESSION, assertionPem(), null, checkpointPem(), null, null);
	}

	/**
	 * An Ed25519 assertion key, PKCS#8 PEM, for {@code securelink.keys.assertion} with
	 * {@code securelink.keys.assertion-algorithm=EdDSA}.
	 */
	public static String ed25519Pem() {
		return pem("PRIVATE KEY", ED25519.getPrivate().getEncoded());
	}

	/**
	 * Whether the Ed25519 key published as {@code key} signed {@code jwt}, checked as a
	 * document service without the gateway's code would: the JDK's own Ed25519 on the raw
	 * public key (RFC 8410's SubjectPublicKeyInfo prefix, then its 32 bytes).
	 */
	public static boolean verifiesEd25519(com.nimbusds.jwt.SignedJWT jwt, com.nimbusds.jose.jwk.OctetKeyPair key)
			throws GeneralSecurityException {
		byte[] prefix = { 0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00 };
		byte[] x = key.getDecodedX();
		byte[] info = java.util.Arrays.copyOf(prefix, prefix.length + x.length);
		System.arraycopy(x, 0, info, prefix.length, x.length);
		java.security.Signature signature = java.security.Signature.getInstance("Ed25519");
		signature.initVerify(java.security.KeyFactory.getInstance("Ed25519")
			.generatePublic(new java.security.spec.X509EncodedKeySpec(info)));
		signature.update(jwt.getSigningInput());
		return signature.verify(jwt.getSignature().decode());
	}

	/**
	 * The gateway's {@code /.well-known/jwks.json} as {@code client}'s gateway publishes
	 * it, checked to hold public parts only.
	 */
	public static String jwks(org.springframework.test.web.reactive.server.WebTestClient client) {
		String jwks = client.get()
			.uri("/.well-known/jwks.json")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		org.assertj.core.api.Assertions.assertThat(jwks).as("public parts only").doesNotContain("\"d\"");
		return jwks;
	}

	/** The gateway's assertion key, PKCS#8 PEM. */
	public static String assertionPem() {
		return pem("PRIVATE KEY", ASSERTION.getPrivate().getEncoded());
	}

	/**
	 * A token for {@code tenant} with the given space-separated scopes, as the invoicing
	 * application sends.
	 */
	public static String token(String tenant, String scopes) {
		JWTClaimsSet.Builder claims = claims().subject("invoicing-app")
			.jwtID(UUID.randomUUID().toString())
			.claim("scope", scopes);
		if (tenant != null) {
			claims.claim("tenant", tenant);
		}
		return sign(claims.build());
	}

	/**
	 * A support staff token: {@code roles} holds {@code support}, no tenant, multi-factor
	 * per {@code amr}.
	 */
	public static String supportToken(String subject) {
		return sign(claims().subject(subject)
			.claim("roles", java.util.List.of("support"))
			.claim("name", "Sam Support")
			.claim("amr", java.util.List.of("pwd", "mfa"))
			.build());
	}

	/**
	 * The claims every valid admin token has: issuer, audience, issued now, expiring in
	 * ten minutes.
	 */
	public static JWTClaimsSet.Builder claims() {
		return new JWTClaimsSet.Builder().issuer(ISSUER_ID)
			.audience(AUDIENCE)
			.issueTime(new Date())
			.expirationTime(Date.from(Instant.now().plusSeconds(600)));
	}

	public static String sign(JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
			jwt.sign(new RSASSASigner((RSAPrivateKey) ISSUER.getPrivate()));
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Path issuerPublicKey() {
		if (issuerPublicKey == null) {
			try {
				issuerPublicKey = Files.createTempFile("test-issuer", ".pub");
				Files.writeString(issuerPublicKey, pem("PUBLIC KEY", ISSUER.getPublic().getEncoded()));
				issuerPublicKey.toFile().deleteOnExit();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return issuerPublicKey;
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
				+ "-----\n";
	}

	private static String base64(String text) {
		return Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
	}

	private static KeyPair generate(String algorithm, ECGenParameterSpec spec) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
			if (spec != null) {
				generator.initialize(spec);
			}
			else if (algorithm.equals("RSA")) {
				generator.initialize(2048);
			}
			return generator.generateKeyPair();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
