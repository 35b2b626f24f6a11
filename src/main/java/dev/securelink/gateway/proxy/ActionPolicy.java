package dev.securelink.gateway.proxy;

import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.link.Right;

/**
 * Which paths of a document are its sign and pay actions
 * ({@code securelink.upstream.sign-paths} and {@code pay-paths}): each pattern is a
 * document-relative path, matched exactly, or a prefix ending in {@code /**}, which
 * matches the prefix itself and everything below it. Sign is tried first.
 */
final class ActionPolicy {

	private final List<String> signPaths;

	private final List<String> payPaths;

	ActionPolicy(List<String> signPaths, List<String> payPaths) {
		this.signPaths = List.copyOf(signPaths);
		this.payPaths = List.copyOf(payPaths);
	}

	static ActionPolicy of(UpstreamProperties properties) {
		return new ActionPolicy(properties.signPaths(), properties.payPaths());
	}

	/**
	 * {@link Right#SIGN} for a sign path, {@link Right#PAY} for a pay path, null for any
	 * other part of the document.
	 * @param rest the requested part of the document, from its '/', already confined
	 */
	@Nullable Right actionOf(String rest) {
		if (matches(this.signPaths, rest)) {
			return Right.SIGN;
		}
		return matches(this.payPaths, rest) ? Right.PAY : null;
	}

	private static boolean matches(List<String> patterns, String rest) {
		for (String pattern : patterns) {
			boolean below = pattern.endsWith("/**");
			String prefix = below ? pattern.substring(0, pattern.length() - 3) : pattern;
			if (rest.equals(prefix) || (below && rest.startsWith(prefix + "/"))) {
				return true;
			}
		}
		return false;
	}

}
