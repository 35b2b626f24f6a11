package dev.securelink.gateway.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The demo's stand-in for the invoicing application's token issuer: an RSA key kept under
 * the data directory.
 */
final class DemoIssuer {

	/** The {@code iss} of the demo's admin tokens. */
	static final String ISSUER = "urn:securelink:demo-issuer";

	/** The {@code aud} of the demo's admin tokens. */
	static final String AUDIENCE = "securelink-admin";

	private DemoIssuer() {
	}

	static void loadOrCreate(Path privateKey, Path publicKey) {
		if (Files.exists(privateKey) && Files.exists(publicKey)) {
			return;
		}
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			KeyPair pair = generator.generateKeyPair();
			Files.createDirectories(privateKey.getParent());
			Files.deleteIfExists(privateKey);
			Files.deleteIfExists(publicKey);
			DemoEnvironmentPostProcessor.writeIfMissing(privateKey, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
			DemoEnvironmentPostProcessor.writeIfMissing(publicKey, pem("PUBLIC KEY", pair.getPublic().getEncoded()));
		}
		catch (GeneralSecurityException | IOException ex) {
			throw new IllegalStateException("Could not create the demo token issuer key", ex);
		}
	}

	/** A token for {@code tenant} with every admin scope, valid for 30 days. */
	static String token(Path privateKey, String tenant) {
		try {
			String base64 = Files.readString(privateKey)
				.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
				.replaceAll("\\s", "");
			RSAPrivateKey key = (RSAPrivateKey) KeyFactory.getInstance("RSA")
				.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
			JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER)
				.audience(AUDIENCE)
				.subject("demo-admin")
				.issueTime(new Date())
				.expirationTime(Date.from(Instant.now().plus(Duration.ofDays(30))))
				.jwtID(UUID.randomUUID().toString())
				.claim("tenant", tenant)
				.claim("scope", "links:read links:write settings:write webhooks:write")
				.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
			jwt.sign(new RSASSASigner(key));
			return jwt.serialize();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException | JOSEException ex) {
			throw new IllegalStateException("Could not sign the demo token", ex);
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + type
				+ "-----\n";
	}

}
