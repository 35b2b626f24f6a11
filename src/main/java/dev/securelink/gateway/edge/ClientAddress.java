package dev.securelink.gateway.edge;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client's IP: the socket peer, unless that peer is one of
 * {@code securelink.trusted-proxies} (CIDRs); then the right-most {@code X-Forwarded-For}
 * entry that is not itself a trusted proxy. A client can therefore never choose its own
 * address by sending the header.
 */
@Component
public class ClientAddress {

	private final List<Cidr> trusted;

	ClientAddress(WebProperties properties) {
		this.trusted = properties.trustedProxies().stream().map((network) -> {
			try {
				return Cidr.parse(network);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("securelink.trusted-proxies: " + ex.getMessage()
						+ " (IP networks only, such as 10.42.0.0/16 or fd00::/8)", ex);
			}
		}).toList();
	}

	/**
	 * The one key a client is known by, for every per-client limit (locks, budgets,
	 * requests for a new link, new sessions) and in the audit trail: an IPv4 address (an
	 * IPv4-mapped IPv6 one as its IPv4 address), an IPv6 address by its /64, the block
	 * one subscriber usually holds whole (one key per address would let a client rotate
	 * through 2^64 of them and reset every limit each time).
	 */
	public static String key(String ip) {
		byte[] address = Cidr.literal(ip);
		if (address == null) {
			return ip;
		}
		if (address.length == 4) {
			return (address[0] & 0xff) + "." + (address[1] & 0xff) + "." + (address[2] & 0xff) + "."
					+ (address[3] & 0xff);
		}
		StringBuilder key = new StringBuilder(24);
		for (int i = 0; i < 8; i += 2) {
			key.append(Integer.toHexString(((address[i] & 0xff) << 8) | (address[i + 1] & 0xff))).append(':');
		}
		return key.append(":/64").toString();
	}

	/** The client's {@link #key} for a WebFlux request. */
	public String client(ServerWebExchange exchange) {
		return key(of(exchange));
	}

	/** The client's {@link #key}, for code that runs ahead of WebFlux. */
	public String client(@Nullable InetSocketAddress remote, List<String> forwardedForHeaders) {
		return key(of(remote, forwardedForHeaders));
	}

	public String of(ServerWebExchange exchange) {
		return of(exchange.getRequest().getRemoteAddress(),
				exchange.getRequest().getHeaders().getOrEmpty("X-Forwarded-For"));
	}

	/**
	 * The client's IP from the socket peer and the raw {@code X-Forwarded-For} header
	 * lines, for code that runs ahead of WebFlux.
	 */
	public String of(@Nullable InetSocketAddress remote, List<String> forwardedForHeaders) {
		String peer = hostAddress(remote);
		if (!isTrusted(peer)) {
			return peer;
		}
		List<String> forwarded = new ArrayList<>();
		for (String header : forwardedForHeaders) {
			for (String hop : header.split(",")) {
				if (!hop.isBlank()) {
					forwarded.add(hop.trim());
				}
			}
		}
		for (int i = forwarded.size() - 1; i >= 0; i--) {
			String hop = forwarded.get(i);
			if (!isIp(hop)) {
				return peer;
			}
			if (!isTrusted(hop)) {
				return hop;
			}
		}
		return peer;
	}

	/** Whether the socket peer is a configured trusted proxy. */
	public boolean fromTrustedProxy(@Nullable InetSocketAddress remote) {
		return remote != null && remote.getAddress() != null && isTrusted(remote.getAddress().getHostAddress());
	}

	/** The peer's IP as text, or {@code unknown} when the socket has none. */
	public static String hostAddress(@Nullable InetSocketAddress remote) {
		return (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : "unknown";
	}

	/** Parses {@code ip} once (never a DNS lookup) and asks every trusted network. */
	private boolean isTrusted(String ip) {
		if (this.trusted.isEmpty()) {
			return false;
		}
		byte[] address = Cidr.literal(ip);
		if (address == null) {
			return false;
		}
		for (Cidr network : this.trusted) {
			if (network.contains(address)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isIp(String value) {
		return Cidr.literal(value) != null;
	}

}
