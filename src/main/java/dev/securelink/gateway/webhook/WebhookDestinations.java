package dev.securelink.gateway.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.securelink.gateway.input.BadInputException;

/**
 * Where a webhook may be sent: an absolute https URL (http too, and private addresses,
 * only with {@code securelink.webhooks.allow-private-destinations}) whose host is not in
 * the gateway's own network. A host given as an address is checked when the endpoint is
 * saved; a name can only be checked once resolved, when a delivery is sent.
 */
final class WebhookDestinations {

	static final int MAX_URL_LENGTH = 2048;

	private WebhookDestinations() {
	}

	/** {@code url} when it may be an endpoint; otherwise a 400 naming {@code url}. */
	static String requireValidUrl(@Nullable String url, boolean allowPrivate) {
		if (url == null || url.isBlank() || url.length() > MAX_URL_LENGTH) {
			throw new BadInputException("url",
					"must be an absolute https URL of at most " + MAX_URL_LENGTH + " characters");
		}
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new BadInputException("url", "is not a valid URL");
		}
		String scheme = (uri.getScheme() != null) ? uri.getScheme().toLowerCase(Locale.ROOT) : "";
		if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
			throw new BadInputException("url", "must use https");
		}
		String host = uri.getHost();
		if (host == null || host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
			throw new BadInputException("url", "must name a host, with no user information and no fragment");
		}
		if (!allowPrivate && isPrivateHost(host)) {
			throw new BadInputException("url", "must not point into a private network");
		}
		return url;
	}

	/**
	 * Whether the host, as written, is a loopback name or an address that is not public;
	 * a name is never resolved here.
	 */
	static boolean isPrivateHost(String host) {
		String lower = host.toLowerCase(Locale.ROOT);
		if (lower.equals("localhost") || lower.endsWith(".localhost")) {
			return true;
		}
		InetAddress literal = literal(lower);
		return literal != null && !isPublic(literal);
	}

	/**
	 * Whether a delivery may go to {@code address}: in no block of
	 * {@link SpecialPurposeAddresses}, as the IPv4 address it carries when it is one
	 * written in IPv6.
	 */
	static boolean isPublic(InetAddress address) {
		return SpecialPurposeAddresses.blockOf(unmapped(address).getAddress()) == null;
	}

	/**
	 * An IPv4 address written in IPv6 is that IPv4 address: mapped
	 * ({@code ::ffff:a.b.c.d}), compatible ({@code ::a.b.c.d}, deprecated) or translated
	 * by NAT64's well-known prefix ({@code 64:ff9b::a.b.c.d}), which reaches the IPv4
	 * address it carries.
	 */
	private static InetAddress unmapped(InetAddress address) {
		if (!(address instanceof Inet6Address)) {
			return address;
		}
		byte[] bytes = address.getAddress();
		boolean zeros = true;
		for (int i = 0; i < 10 && zeros; i++) {
			zeros = bytes[i] == 0;
		}
		boolean mapped = zeros && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
		boolean compatible = zeros && bytes[10] == 0 && bytes[11] == 0 && (bytes[12] | bytes[13]) != 0;
		boolean nat64 = bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == (byte) 0xff && bytes[3] == (byte) 0x9b;
		for (int i = 4; i < 12 && nat64; i++) {
			nat64 = bytes[i] == 0;
		}
		if (!mapped && !compatible && !nat64) {
			return address;
		}
		try {
			return InetAddress.getByAddress(new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] });
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The address a host written as one stands for (dotted IPv4, bracketed IPv6); null
	 * for a name. Never a lookup: IPv4 is parsed here, and {@link InetAddress#getByName}
	 * only sees what the URI parser accepted as an IPv6 literal. The shorter IPv4 forms
	 * some resolvers still accept ({@code 127.1}, {@code 2130706433}) are refused.
	 */
	private static @Nullable InetAddress literal(String host) {
		try {
			if (host.startsWith("[") && host.endsWith("]")) {
				return InetAddress.getByName(host.substring(1, host.length() - 1));
			}
			if (!host.matches("[0-9.]+")) {
				return null;
			}
			String[] parts = host.split("\\.", -1);
			if (parts.length != 4) {
				throw new BadInputException("url", "must name its host, or give a dotted IPv4 address");
			}
			byte[] bytes = new byte[4];
			for (int i = 0; i < 4; i++) {
				if (parts[i].isEmpty() || parts[i].length() > 3 || Integer.parseInt(parts[i]) > 255) {
					throw new BadInputException("url", "is not a valid URL");
				}
				bytes[i] = (byte) Integer.parseInt(parts[i]);
			}
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			throw new BadInputException("url", "is not a valid URL");
		}
	}

}
