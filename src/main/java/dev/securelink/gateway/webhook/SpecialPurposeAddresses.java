package dev.securelink.gateway.webhook;

import java.util.List;

import io.netty.util.NetUtil;
import org.jspecify.annotations.Nullable;

/**
 * The addresses no webhook is ever delivered to, in one table: every entry of IANA's IPv4
 * and IPv6 Special-Purpose Address Registries (RFC 6890 and its updates, as published in
 * 2025), whether IANA calls it globally reachable or not (a receiver has no business on
 * an anycast or documentation prefix), plus the multicast ranges and IPv6's deprecated
 * site-local block. An address in IPv6 clothing (mapped, compatible, NAT64) is checked as
 * the IPv4 address it carries, by the caller.
 */
final class SpecialPurposeAddresses {

	/** One block of the table: its network and prefix length, and what IANA calls it. */
	record Block(String cidr, String name, byte[] network, int prefix) {

		static Block of(String cidr, String name) {
			int slash = cidr.indexOf('/');
			byte[] network = NetUtil.createByteArrayFromIpAddressString(cidr.substring(0, slash));
			if (network == null) {
				throw new IllegalStateException("Not an address literal: " + cidr);
			}
			return new Block(cidr, name, network, Integer.parseInt(cidr.substring(slash + 1)));
		}

		boolean contains(byte[] address) {
			if (address.length != this.network.length) {
				return false;
			}
			for (int bit = 0; bit < this.prefix; bit++) {
				int mask = 0x80 >> (bit % 8);
				if ((address[bit / 8] & mask) != (this.network[bit / 8] & mask)) {
					return false;
				}
			}
			return true;
		}

	}

	/** IANA IPv4 Special-Purpose Address Registry, and multicast. */
	static final List<Block> IPV4 = List.of(Block.of("0.0.0.0/8", "This network"),
			Block.of("10.0.0.0/8", "Private-Use"), Block.of("100.64.0.0/10", "Shared Address Space"),
			Block.of("127.0.0.0/8", "Loopback"), Block.of("169.254.0.0/16", "Link Local"),
			Block.of("172.16.0.0/12", "Private-Use"), Block.of("192.0.0.0/24", "IETF Protocol Assignments"),
			Block.of("192.0.2.0/24", "Documentation (TEST-NET-1)"), Block.of("192.31.196.0/24", "AS112-v4"),
			Block.of("192.52.193.0/24", "AMT"), Block.of("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)"),
			Block.of("192.168.0.0/16", "Private-Use"), Block.of("192.175.48.0/24", "Direct Delegation AS112 Service"),
			Block.of("198.18.0.0/15", "Benchmarking"), Block.of("198.51.100.0/24", "Documentation (TEST-NET-2)"),
			Block.of("203.0.113.0/24", "Documentation (TEST-NET-3)"), Block.of("224.0.0.0/4", "Multicast"),
			Block.of("240.0.0.0/4", "Reserved"), Block.of("255.255.255.255/32", "Limited Broadcast"));

	/**
	 * IANA IPv6 Special-Purpose Address Registry, multicast and deprecated site-local.
	 */
	static final List<Block> IPV6 = List.of(Block.of("::1/128", "Loopback Address"),
			Block.of("::/128", "Unspecified Address"), Block.of("::ffff:0:0/96", "IPv4-mapped Address"),
			Block.of("64:ff9b::/96", "IPv4-IPv6 Translat."), Block.of("64:ff9b:1::/48", "IPv4-IPv6 Translat."),
			Block.of("100::/64", "Discard-Only Address Block"), Block.of("100:0:0:1::/64", "Dummy IPv6 Prefix"),
			Block.of("2001::/23", "IETF Protocol Assignments"), Block.of("2001::/32", "TEREDO"),
			Block.of("2001:2::/48", "Benchmarking"), Block.of("2001:3::/32", "AMT"),
			Block.of("2001:4:112::/48", "AS112-v6"), Block.of("2001:10::/28", "Deprecated (previously ORCHID)"),
			Block.of("2001:20::/28", "ORCHIDv2"), Block.of("2001:30::/28", "Drone Remote ID Protocol Entity Tags"),
			Block.of("2001:db8::/32", "Documentation"), Block.of("2002::/16", "6to4"),
			Block.of("2620:4f:8000::/48", "Direct Delegation AS112 Service"), Block.of("3fff::/20", "Documentation"),
			Block.of("5f00::/16", "Segment Routing (SRv6) SIDs"), Block.of("fc00::/7", "Unique-Local"),
			Block.of("fe80::/10", "Link-Local Unicast"), Block.of("fec0::/10", "Site-Local (deprecated)"),
			Block.of("ff00::/8", "Multicast"));

	private SpecialPurposeAddresses() {
	}

	/** The block {@code address} is in, or null when it is in none. */
	static @Nullable Block blockOf(byte[] address) {
		for (Block block : (address.length == 4) ? IPV4 : IPV6) {
			if (block.contains(address)) {
				return block;
			}
		}
		return null;
	}

}
