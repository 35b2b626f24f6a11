package dev.securelink.gateway.webhook;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Resolves webhook hosts with Netty's asynchronous DNS resolver (never a blocking JDK
 * lookup on an event loop) and fails the resolution, so that no connection is even
 * attempted, when the host resolves to an address that is not public
 * ({@link WebhookDestinations#isPublic}); with several addresses, one that is not public
 * fails them all. The connection goes to the address checked here, so a name that
 * resolves differently a moment later (DNS rebinding) cannot slip past. Runs on NIO event
 * loops ({@link NioDatagramChannel}).
 */
final class PublicAddressResolverGroup extends AddressResolverGroup<InetSocketAddress> {

	private final DnsAddressResolverGroup dns = new DnsAddressResolverGroup(NioDatagramChannel.class,
			DnsServerAddressStreamProviders.platformDefault());

	private final boolean publicOnly;

	/**
	 * A group that checks what it resolves, or not.
	 * @param publicOnly false only with {@code allow-private-destinations}: resolve, and
	 * let any address through
	 */
	PublicAddressResolverGroup(boolean publicOnly) {
		this.publicOnly = publicOnly;
	}

	@Override
	protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
		AddressResolver<InetSocketAddress> resolver = this.dns.getResolver(executor);
		return this.publicOnly ? new PublicOnly(executor, resolver) : resolver;
	}

	@Override
	public void close() {
		this.dns.close();
		super.close();
	}

	/** The host resolved only to addresses a webhook must not reach. */
	static final class BlockedDestinationException extends RuntimeException {

		BlockedDestinationException() {
			super("The webhook host resolves to an address that is not public", null, false, false);
		}

	}

	private record PublicOnly(EventExecutor executor,
			AddressResolver<InetSocketAddress> delegate) implements AddressResolver<InetSocketAddress> {

		@Override
		public boolean isSupported(SocketAddress address) {
			return this.delegate.isSupported(address);
		}

		@Override
		public boolean isResolved(SocketAddress address) {
			// A resolved address is checked too: it comes through resolve below.
			return false;
		}

		@Override
		public Future<InetSocketAddress> resolve(SocketAddress address) {
			return resolve(address, this.executor.newPromise());
		}

		@Override
		public Future<InetSocketAddress> resolve(SocketAddress address, Promise<InetSocketAddress> promise) {
			if (address instanceof InetSocketAddress inet && !inet.isUnresolved()) {
				return checked(inet, promise);
			}
			this.delegate.resolve(address).addListener((Future<InetSocketAddress> done) -> {
				if (done.isSuccess()) {
					checked(done.getNow(), promise);
				}
				else {
					promise.tryFailure(done.cause());
				}
			});
			return promise;
		}

		@Override
		public Future<List<InetSocketAddress>> resolveAll(SocketAddress address) {
			return resolveAll(address, this.executor.newPromise());
		}

		@Override
		public Future<List<InetSocketAddress>> resolveAll(SocketAddress address,
				Promise<List<InetSocketAddress>> promise) {
			if (address instanceof InetSocketAddress inet && !inet.isUnresolved()) {
				return allChecked(List.of(inet), promise);
			}
			this.delegate.resolveAll(address).addListener((Future<List<InetSocketAddress>> done) -> {
				if (done.isSuccess()) {
					allChecked(done.getNow(), promise);
				}
				else {
					promise.tryFailure(done.cause());
				}
			});
			return promise;
		}

		@Override
		public void close() {
			this.delegate.close();
		}

		private static Future<InetSocketAddress> checked(InetSocketAddress address,
				Promise<InetSocketAddress> promise) {
			if (WebhookDestinations.isPublic(address.getAddress())) {
				promise.trySuccess(address);
			}
			else {
				promise.tryFailure(new BlockedDestinationException());
			}
			return promise;
		}

		private static Future<List<InetSocketAddress>> allChecked(List<InetSocketAddress> addresses,
				Promise<List<InetSocketAddress>> promise) {
			if (!addresses.isEmpty()
					&& addresses.stream().allMatch((a) -> WebhookDestinations.isPublic(a.getAddress()))) {
				promise.trySuccess(addresses);
			}
			else {
				promise.tryFailure(new BlockedDestinationException());
			}
			return promise;
		}

	}

}
