package dev.securelink.gateway.edge;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a network of one.
 */
record Cidr(byte[] network, int prefix) {

	static Cidr parse(String value) {
		String[] parts = value.trim().split("/", 2);
		byte[] address = literal(parts[0]);
		if (address == null) {
			throw new IllegalArgumentException("Not an IP network: " + value);
		}
		int bits = address.length * 8;
		if (parts.length == 2 && (parts[1].isEmpty() || parts[1].length() > 3
				|| !parts[1].chars().allMatch((c) -> c >= '0' && c <= '9') || Integer.parseInt(parts[1]) > bits)) {
			throw new IllegalArgumentException("Prefix out of range: " + value);
		}
		return new Cidr(address, (parts.length == 2) ? Integer.parseInt(parts[1]) : bits);
	}

	/**
	 * Whether the address is inside this block.
	 * @param address the bytes of a literal address, as {@link #literal} gives them
	 * (null: no address)
	 */
	boolean contains(byte[] address) {
		if (address == null || address.length != this.network.length) {
			return false;
		}
		int whole = this.prefix / 8;
		for (int i = 0; i < whole; i++) {
			if (address[i] != this.network[i]) {
				return false;
			}
		}
		int rest = this.prefix % 8;
		if (rest == 0) {
			return true;
		}
		int mask = (0xFF << (8 - rest)) & 0xFF;
		return (address[whole] & mask) == (this.network[whole] & mask);
	}

	/**
	 * The bytes of a literal address, parsed strictly and never by a DNS lookup: IPv4
	 * only as four decimal parts of 0–255 without leading zeros ({@code 010.1.1.1},
	 * {@code 1.2.3} and {@code 0x7f.1} are not addresses), IPv6 as RFC 4291 text without
	 * a zone or brackets; an IPv4-mapped IPv6 address as its IPv4 bytes. Null for
	 * anything else.
	 */
	static byte @Nullable [] literal(String value) {
		if (value.indexOf(':') < 0) {
			return ipv4(value);
		}
		if (!value.chars().allMatch((c) -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)
				|| !NetUtil.isValidIpV6Address(value)) {
			return null;
		}
		byte[] bytes = NetUtil.createByteArrayFromIpAddressString(value);
		if (bytes == null || bytes.length != 16) {
			return null;
		}
		boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
		for (int i = 0; i < 10 && mapped; i++) {
			mapped = bytes[i] == 0;
		}
		return mapped ? new byte[] { bytes[12], bytes[13], bytes[14], bytes[15] } : bytes;
	}

	private static byte @Nullable [] ipv4(String value) {
		String[] parts = value.split("\\.", -1);
		if (parts.length != 4) {
			return null;
		}
		byte[] bytes = new byte[4];
		for (int i = 0; i < 4; i++) {
			String part = parts[i];
			if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
					|| !part.chars().allMatch((c) -> c >= '0' && c <= '9')) {
				return null;
			}
			int number = Integer.parseInt(part);
			if (number > 255) {
				return null;
			}
			bytes[i] = (byte) number;
		}
		return bytes;
	}

}
