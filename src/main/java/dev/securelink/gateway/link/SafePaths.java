package dev.securelink.gateway.link;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Paths and queries that can only ever mean themselves, for a link's document and for the
 * part of a document URL a visitor requests. A safe path is absolute; RFC 3986 path
 * characters only, without ';' (parameters) and with '%' only as the start of an escape;
 * no dot segments and no empty segments (a trailing '/' is allowed); no encoded dot,
 * slash, backslash, semicolon or percent (double encoding); no control character, encoded
 * or not. Beyond ASCII, its escapes must decode to well-formed UTF-8 (no overlong forms,
 * no surrogates), and no segment may become a dot segment or hold a slash, backslash or
 * control or format character once decoded and NFKC-normalised, as stacks that fold
 * compatibility characters would see it (fullwidth {@code ．．／}, one-dot leaders, …).
 */
public final class SafePaths {

	private static final int MAX_LENGTH = 2048;

	private SafePaths() {
	}

	public static boolean isSafe(String path) {
		if (path.isEmpty() || path.length() > MAX_LENGTH || path.charAt(0) != '/' || !allowedCharacters(path)) {
			return false;
		}
		boolean escaped = path.indexOf('%') >= 0;
		if (escaped) {
			String lower = path.toLowerCase(Locale.ROOT);
			if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%25")
					|| lower.contains("%3b") || containsEncodedControl(lower)) {
				return false;
			}
		}
		String[] segments = path.substring(1).split("/", -1);
		for (int i = 0; i < segments.length; i++) {
			String segment = segments[i];
			boolean trailing = i == segments.length - 1;
			if ((segment.isEmpty() && !trailing) || segment.equals(".") || segment.equals("..")
					|| (escaped && !decodesSafely(segment))) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Whether a raw query string may be passed on as it is: printable ASCII only (no raw
	 * control character, space or byte beyond ASCII), '%' only as the start of an escape,
	 * and escapes that decode to well-formed UTF-8.
	 */
	public static boolean isSafeQuery(String query) {
		if (query.length() > MAX_LENGTH) {
			return false;
		}
		for (int i = 0; i < query.length(); i++) {
			char c = query.charAt(i);
			if (c <= 0x20 || c >= 0x7f || c == '#') {
				return false;
			}
			if (c == '%' && !isEscape(query, i)) {
				return false;
			}
		}
		return query.indexOf('%') < 0 || decodeUtf8(query) != null;
	}

	/**
	 * RFC 3986 pchar and '/', without ';', with '%' only before two hex digits (a loop:
	 * this runs per request).
	 */
	private static boolean allowedCharacters(String path) {
		for (int i = 0; i < path.length(); i++) {
			char c = path.charAt(i);
			boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| "._~!$&'()*+,=:@/-".indexOf(c) >= 0;
			if (plain) {
				continue;
			}
			if (c != '%' || !isEscape(path, i)) {
				return false;
			}
			i += 2;
		}
		return true;
	}

	private static boolean isEscape(String value, int at) {
		return at + 2 < value.length() && Character.digit(value.charAt(at + 1), 16) >= 0
				&& Character.digit(value.charAt(at + 2), 16) >= 0;
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

	/**
	 * One segment with escapes: well-formed UTF-8, and nothing a compatibility fold turns
	 * into structure.
	 */
	private static boolean decodesSafely(String segment) {
		if (segment.indexOf('%') < 0) {
			return true;
		}
		String decoded = decodeUtf8(segment);
		if (decoded == null) {
			return false;
		}
		String folded = Normalizer.normalize(decoded, Normalizer.Form.NFKC);
		if (folded.equals(".") || folded.equals("..")) {
			return false;
		}
		for (int i = 0; i < folded.length(); i++) {
			char c = folded.charAt(i);
			int type = Character.getType(c);
			if (c == '/' || c == '\\' || type == Character.CONTROL || type == Character.FORMAT) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The escapes of {@code value} decoded as strict UTF-8 (the decoder refuses overlong
	 * forms, surrogates and truncated sequences); null when they are not well-formed.
	 */
	private static @Nullable String decodeUtf8(String value) {
		ByteBuffer bytes = ByteBuffer.allocate(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '%') {
				bytes.put((byte) Integer.parseInt(value, i + 1, i + 3, 16));
				i += 2;
			}
			else {
				bytes.put((byte) c);
			}
		}
		bytes.flip();
		try {
			CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
				.onMalformedInput(CodingErrorAction.REPORT)
				.onUnmappableCharacter(CodingErrorAction.REPORT)
				.decode(bytes);
			return chars.toString();
		}
		catch (CharacterCodingException ex) {
			return null;
		}
	}

}
