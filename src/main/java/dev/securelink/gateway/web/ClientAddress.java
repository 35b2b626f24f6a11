package dev.securelink.gateway.web;

import java.net.InetSocketAddress;
import java.util.List;

import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client's IP: the socket peer, unless that peer is one of {@code securelink.trusted-proxies} (CIDRs); then
 * the right-most {@code X-Forwarded-For} entry that is not itself a trusted proxy. A client can therefore never
 * choose its own address by sending the header.
 */
@Component
public class ClientAddress {

	private final List<Cidr> trusted;

	ClientAddress(WebProperties properties) {
		this.trusted = properties.trustedProxies().stream().map(Cidr::parse).toList();
	}

	public String of(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		String peer = (remote != null && remote.getAddress() != null) ? remote.getAddress().getHostAddress() : "unknown";
		if (!isTrusted(peer)) {
			return peer;
		}
		List<String> forwarded = exchange.getRequest().getHeaders().getValuesAsList("X-Forwarded-For");
		for (int i = forwarded.size() - 1; i >= 0; i--) {
			String hop = forwarded.get(i).trim();
			if (!isIp(hop)) {
				return peer;
			}
			if (!isTrusted(hop)) {
				return hop;
			}
		}
		return peer;
	}

	/** Whether the socket peer of this exchange is a configured trusted proxy. */
	public boolean fromTrustedProxy(ServerWebExchange exchange) {
		InetSocketAddress remote = exchange.getRequest().getRemoteAddress();
		return remote != null && remote.getAddress() != null && isTrusted(remote.getAddress().getHostAddress());
	}

	/** Parses {@code ip} once (never a DNS lookup) and asks every trusted network. */
	private boolean isTrusted(String ip) {
		if (this.trusted.isEmpty()) {
			return false;
		}
		byte[] address = Cidr.literal(ip);
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
