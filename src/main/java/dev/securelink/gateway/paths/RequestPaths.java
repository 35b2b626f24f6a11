package dev.securelink.gateway.paths;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What a raw request path is, however it is spelled: {@code /l/…}, {@code /%6C/…},
 * {@code //l/…} and {@code /l;x/…} are all the link flow's, and whatever is logged of a
 * path is made from these rules, never from a prefix of the raw text.
 */
public final class RequestPaths {

	/**
	 * Decoded segments this long or longer are never logged: a code (32 characters)
	 * cannot hide in a shorter one.
	 */
	private static final int LOGGABLE_SEGMENT = 20;

	private RequestPaths() {
	}

	/**
	 * The first segment of {@code rawPath} as a router would compare it: leading slashes
	 * skipped, path parameters ({@code ;…}) cut, percent escapes decoded, lower case.
	 */
	public static String firstSegment(String rawPath) {
		int start = 0;
		while (start < rawPath.length() && (rawPath.charAt(start) == '/' || rawPath.charAt(start) == '\\')) {
			start++;
		}
		int end = start;
		while (end < rawPath.length() && "/\\;?".indexOf(rawPath.charAt(end)) < 0) {
			end++;
		}
		return decode(rawPath.substring(start, end)).toLowerCase(Locale.ROOT);
	}

	/**
	 * Whether the path belongs to the link flow ({@code /l/{code}…}), in any spelling.
	 */
	public static boolean isLink(String rawPath) {
		return firstSegment(rawPath).equals(GatewayPaths.segment(GatewayPaths.LINK));
	}

	/** Whether the path belongs to the admin API ({@code /admin/…}), in any spelling. */
	public static boolean isAdmin(String rawPath) {
		return firstSegment(rawPath).equals(GatewayPaths.segment(GatewayPaths.ADMIN));
	}

	/**
	 * {@code rawPath} as a log line may show it: every segment that decodes to
	 * {@value #LOGGABLE_SEGMENT} characters or more becomes {@code ~}; a link-flow path
	 * is never passed here (the access log names its link instead).
	 */
	public static String redacted(String rawPath) {
		StringBuilder out = new StringBuilder(rawPath.length());
		int from = 0;
		while (from <= rawPath.length()) {
			int slash = rawPath.indexOf('/', from);
			int end = (slash < 0) ? rawPath.length() : slash;
			String segment = rawPath.substring(from, end);
			out.append((decode(segment).length() >= LOGGABLE_SEGMENT) ? "~" : segment);
			if (slash < 0) {
				break;
			}
			out.append('/');
			from = slash + 1;
		}
		return out.toString();
	}

	/**
	 * Percent escapes decoded as UTF-8 (malformed ones kept as they are); never throws.
	 */
	static String decode(String value) {
		if (value.indexOf('%') < 0) {
			return value;
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '%' && i + 2 < value.length() && Character.digit(value.charAt(i + 1), 16) >= 0
					&& Character.digit(value.charAt(i + 2), 16) >= 0) {
				bytes.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
				i += 2;
			}
			else {
				byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
				bytes.write(encoded, 0, encoded.length);
			}
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

}
