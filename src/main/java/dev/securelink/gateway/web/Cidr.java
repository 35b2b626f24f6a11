package dev.securelink.gateway.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8}; a bare address is a network of one. */
record Cidr(byte[] network, int prefix) {

	static Cidr parse(String value) {
		String[] parts = value.trim().split("/", 2);
		byte[] address = literal(parts[0]);
		if (address == null) {
			throw new IllegalArgumentException("Not an IP network: " + value);
		}
		int prefix = (parts.length == 2) ? Integer.parseInt(parts[1]) : address.length * 8;
		if (prefix < 0 || prefix > address.length * 8) {
			throw new IllegalArgumentException("Prefix out of range: " + value);
		}
		return new Cidr(address, prefix);
	}

	/** @param address the bytes of a literal address, as {@link #literal} gives them (null: no address) */
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

	/** The bytes of a literal address; null for anything else, and never a DNS lookup. */
	static byte[] literal(String value) {
		boolean v4 = !value.isEmpty() && value.chars().allMatch((c) -> c == '.' || (c >= '0' && c <= '9'));
		boolean v6 = value.indexOf(':') >= 0 && value.chars().allMatch((c) -> c == ':' || c == '.'
				|| Character.digit(c, 16) >= 0);
		if (!v4 && !v6) {
			return null;
		}
		try {
			return InetAddress.getByName(value).getAddress();
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

}
