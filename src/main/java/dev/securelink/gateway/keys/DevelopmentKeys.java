package dev.securelink.gateway.keys;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Keys for the embedded default: generated on first start and kept in a file beside the
 * embedded database, so a restart never invalidates links or sessions. Configured keys
 * always win.
 */
public final class DevelopmentKeys {

	/**
	 * The embedded PostgreSQL's superuser password, kept in the same file (never a
	 * configuration property).
	 */
	public static final String DATABASE_PASSWORD = "securelink.database.embedded-password";

	private static final SecureRandom RANDOM = new SecureRandom();

	private DevelopmentKeys() {
	}

	/**
	 * The {@code securelink.keys.*} properties that the environment lacks, and the
	 * embedded database's password ({@link #DATABASE_PASSWORD}), from (or into)
	 * {@code file}.
	 */
	public static Map<String, Object> loadOrCreate(Path file, Environment environment, Log log) {
		Properties stored = new Properties();
		try {
			if (Files.exists(file)) {
				try (Reader reader = Files.newBufferedReader(file)) {
					stored.load(reader);
				}
			}
			boolean changed = false;
			changed |= fill(stored, "securelink.keys.email-pepper", DevelopmentKeys::secret);
			changed |= fill(stored, "securelink.keys.session", () -> "dev1:" + secret());
			// Of the configured algorithm's kind: a key of the other kind is replaced.
			boolean edDsa = GatewayKeys.ASSERTION_EDDSA
				.equals(environment.getProperty("securelink.keys.assertion-algorithm", "").trim());
			String assertion = stored.getProperty("securelink.keys.assertion");
			if (assertion != null && isEd25519(assertion) != edDsa) {
				stored.remove("securelink.keys.assertion");
			}
			changed |= fill(stored, "securelink.keys.assertion",
					edDsa ? DevelopmentKeys::ed25519PrivateKey : DevelopmentKeys::ecPrivateKey);
			changed |= fill(stored, "securelink.keys.checkpoint", DevelopmentKeys::ecPrivateKey);
			changed |= fill(stored, DATABASE_PASSWORD, DevelopmentKeys::secret);
			if (changed) {
				Files.createDirectories(file.getParent());
				Files.deleteIfExists(file);
				Files.createFile(file,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
				try (Writer writer = Files.newBufferedWriter(file)) {
					stored.store(writer, "Development keys of securelink-gateway; never use them in production");
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not keep development keys in " + file, ex);
		}
		Map<String, Object> missing = new LinkedHashMap<>();
		stored.stringPropertyNames()
			.stream()
			.filter((name) -> !name.equals(DATABASE_PASSWORD) && !StringUtils.hasText(environment.getProperty(name)))
			.filter((name) -> !StringUtils.hasText(environment.getProperty(name + "-location")))
			.forEach((name) -> missing.put(name, stored.getProperty(name)));
		if (!missing.isEmpty()) {
			log.warn("Using development keys from " + file + " for " + String.join(", ", missing.keySet())
					+ "; configure securelink.keys.* in production");
		}
		missing.put(DATABASE_PASSWORD, stored.getProperty(DATABASE_PASSWORD));
		return missing;
	}

	private static boolean fill(Properties stored, String name, Supplier<String> source) {
		if (StringUtils.hasText(stored.getProperty(name))) {
			return false;
		}
		stored.setProperty(name, source.get());
		return true;
	}

	private static String secret() {
		byte[] bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return Base64.getEncoder().encodeToString(bytes);
	}

	private static String ed25519PrivateKey() {
		try {
			return Base64.getEncoder()
				.encodeToString(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("No Ed25519 support in this JVM", ex);
		}
	}

	private static boolean isEd25519(String base64) {
		try {
			KeyFactory.getInstance("Ed25519")
				.generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
			return true;
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return false;
		}
	}

	private static String ecPrivateKey() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
			return Base64.getEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("No EC P-256 support in this JVM", ex);
		}
	}

}
