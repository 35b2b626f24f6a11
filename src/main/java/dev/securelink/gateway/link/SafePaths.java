package dev.securelink.gateway.link;

import java.util.Locale;

/**
 * Paths that can only ever mean themselves, for a link's document and for the part of a document URL a visitor
 * requests: absolute; RFC 3986 path characters only, without ';' (parameters) and with '%' only as the start of
 * an escape; no dot segments and no empty segments (a trailing '/' is allowed); no encoded dot, slash, backslash,
 * semicolon or percent (double encoding); no control character, encoded or not.
 */
public final class SafePaths {

	private static final int MAX_LENGTH = 2048;

	private SafePaths() {
	}

	public static boolean isSafe(String path) {
		if (path.isEmpty() || path.length() > MAX_LENGTH || path.charAt(0) != '/' || !allowedCharacters(path)) {
			return false;
		}
		String lower = path.toLowerCase(Locale.ROOT);
		if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%25")
				|| lower.contains("%3b") || containsEncodedControl(lower)) {
			return false;
		}
		String[] segments = path.substring(1).split("/", -1);
		for (int i = 0; i < segments.length; i++) {
			String segment = segments[i];
			boolean trailing = i == segments.length - 1;
			if ((segment.isEmpty() && !trailing) || segment.equals(".") || segment.equals("..")) {
				return false;
			}
		}
		return true;
	}

	/** RFC 3986 pchar and '/', without ';', with '%' only before two hex digits (a loop: this runs per request). */
	private static boolean allowedCharacters(String path) {
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| "._~!$&'()*+,=:@/-".indexOf(c) >= 0;
			if (plain) {
				continue;
			}
			if (c != '%' || i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
					|| Character.digit(path.charAt(i + 2), 16) < 0) {
				return false;
			}
			i += 2;
		}
		return true;
	}

	private static boolean containsEncodedControl(String lower) {
		for (int i = lower.indexOf('%'); i >= 0; i = lower.indexOf('%', i + 1)) {
			int value = Integer.parseInt(lower.substring(i + 1, i + 3), 16);
			if (value < 0x20 || value == 0x7f) {
				return true;
			}
		}
		return false;
	}

}
