package dev.securelink.gateway.support;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret the tests handled (codes, recipient addresses, session and form cookies),
 * so that the last test can check that none of them reached a log line.
 */
public final class Secrets {

	private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

	private Secrets() {
	}

	public static String remember(String secret) {
		if (secret != null && secret.length() >= 8) {
			SEEN.add(secret);
		}
		return secret;
	}

	public static Set<String> all() {
		return Set.copyOf(SEEN);
	}

}
