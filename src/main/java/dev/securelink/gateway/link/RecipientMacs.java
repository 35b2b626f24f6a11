package dev.securelink.gateway.link;

import java.net.IDN;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.Hmac;

/**
 * Recipient addresses as HMAC-SHA256(pepper, normalized address): the only form in which
 * they are stored, and the form in which a typed address is compared, in constant time.
 */
@Component
public class RecipientMacs {

	static final int MAC_BYTES = 32;

	/** The longest address a mailbox can have (RFC 5321's path limit). */
	static final int MAX_ADDRESS = 254;

	private static final Pattern LOCAL = Pattern.compile("[\\p{L}\\p{N}_'+=-]+(\\.[\\p{L}\\p{N}_'+=-]+)*");

	static final Pattern DOMAIN = Pattern
		.compile("(?i)(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	private static final Pattern INVISIBLE = Pattern
		.compile("[\\u00A0\\u2007\\u202F\\u200B\\u200C\\u200D\\u2060\\uFEFF]");

	private final GatewayKeys keys;

	public RecipientMacs(GatewayKeys keys) {
		this.keys = keys;
	}

	/**
	 * NFC-normalised, without the invisible spaces that copying an address from a mail or
	 * a PDF brings along (no-break, narrow no-break and figure spaces, zero-width spaces
	 * and joiners, the byte-order mark), trimmed and lower-cased with
	 * {@link Locale#ROOT}: case, composition and stray spaces never matter.
	 */
	public static String normalize(String address) {
		String composed = Normalizer.normalize(address, Normalizer.Form.NFC);
		return INVISIBLE.matcher(composed).replaceAll("").strip().toLowerCase(Locale.ROOT);
	}

	/**
	 * Whether {@code address} (as {@link #normalize} gives it) is a plain mailbox and
	 * nothing else: one {@code @}, a local part of letters, digits and
	 * {@code . _ ' + = -} (no quotes, comments, angle brackets, spaces, routes such as
	 * {@code %} or {@code !}), and a domain name. A mail library reads a bracketed
	 * address followed by {@code @acme.be} as a mail to the bracketed one; an address
	 * that is not plain is therefore never mailed as anyone's, nor judged by its domain.
	 */
	public static boolean isPlain(String address) {
		int at = address.indexOf('@');
		if (address.length() > MAX_ADDRESS || at < 1 || at != address.lastIndexOf('@')
				|| !LOCAL.matcher(address.substring(0, at)).matches()) {
			return false;
		}
		try {
			String domain = IDN.toASCII(address.substring(at + 1), IDN.USE_STD3_ASCII_RULES);
			return DOMAIN.matcher(domain).matches();
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	public byte[] mac(String address) {
		return Hmac.sha256(this.keys.emailPepper(), normalize(address));
	}

	/** All recipients' MACs, concatenated in the stored form. */
	byte[] macs(List<String> addresses) {
		byte[] all = new byte[addresses.size() * MAC_BYTES];
		for (int i = 0; i < addresses.size(); i++) {
			System.arraycopy(mac(addresses.get(i)), 0, all, i * MAC_BYTES, MAC_BYTES);
		}
		return all;
	}

	/**
	 * Whether {@code address} is one of the recipients; every stored MAC is compared, so
	 * the time taken does not tell which one matched or how far a comparison got.
	 */
	public boolean matches(byte[] storedMacs, String address) {
		return indexOf(storedMacs, address) >= 0;
	}

	/**
	 * The index of {@code address} among the recipients, in the order of the creating
	 * request, or -1; compared as {@link #matches} does, in the same time whichever (if
	 * any) it is.
	 */
	public int indexOf(byte[] storedMacs, String address) {
		return indexOfMac(storedMacs, mac(address));
	}

	/**
	 * The index of the recipient whose MAC is {@code candidate} (as {@link #mac} made
	 * it), or -1; compared as {@link #indexOf} does.
	 */
	public static int indexOfMac(byte[] storedMacs, byte[] candidate) {
		int found = -1;
		byte[] stored = new byte[MAC_BYTES];
		for (int index = 0; (index + 1) * MAC_BYTES <= storedMacs.length; index++) {
			System.arraycopy(storedMacs, index * MAC_BYTES, stored, 0, MAC_BYTES);
			boolean equal = MessageDigest.isEqual(stored, candidate);
			found = (equal && found < 0) ? index : found;
		}
		return found;
	}

}
