package dev.securelink.gateway.access;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import org.springframework.stereotype.Component;

/**
 * Per-client token buckets, one instance's view, for what is cheap to ask again: unknown
 * codes (each costs one indexed query), new sessions per link and requests for a new
 * link. The wrong-address budget, which guards the recipients' addresses, is exact across
 * instances ({@link ClientBudgets}). Every client is its key ({@code ClientAddress.key}:
 * an IPv4 address, an IPv6 /64).
 */
@Component
class IpLimits {

	private final Cache<String, Bucket> unknownCodes;

	private final Cache<String, Bucket> sessions;

	private final Cache<String, Bucket> renewals;

	private final LimitsProperties limits;

	IpLimits(LimitsProperties limits) {
		this.limits = limits;
		this.unknownCodes = buckets(limits.unknownCodesPeriod());
		this.sessions = buckets(limits.sessionsPeriod());
		this.renewals = buckets(limits.renewalsPeriod());
	}

	/**
	 * Reserves one unknown-code token before a code is looked up; false when none was
	 * left. It stays spent unless {@link #refundCode} gives it back (the code named an
	 * active link): only unknown codes cost the client.
	 */
	boolean reserveCode(String client) {
		return reserve(this.unknownCodes, this.limits.unknownCodes(), this.limits.unknownCodesPeriod(), client);
	}

	void refundCode(String client) {
		refund(this.unknownCodes, client);
	}

	/**
	 * Takes one of the client's session tokens for {@code linkId}; false when none was
	 * left. A loop of opens from one address then meets 429, and nobody else does.
	 */
	boolean reserveSession(String client, String linkId) {
		return this.sessions
			.get(client + " " + linkId, (key) -> bucket(this.limits.sessions(), this.limits.sessionsPeriod()))
			.tryConsume(1);
	}

	/**
	 * Takes one of the client's tokens for asking a new link, before anything is looked
	 * up; false when none was left. Never given back, whatever the request came to.
	 */
	boolean reserveRenewal(String client) {
		return reserve(this.renewals, this.limits.renewals(), this.limits.renewalsPeriod(), client);
	}

	/**
	 * Takes a token at once (atomic per bucket): a burst can never pass a check it then
	 * overspends.
	 */
	private static boolean reserve(Cache<String, Bucket> buckets, int capacity, Duration period, String client) {
		return buckets.get(client, (key) -> bucket(capacity, period)).tryConsume(1);
	}

	private static void refund(Cache<String, Bucket> buckets, String client) {
		Bucket bucket = buckets.getIfPresent(client);
		if (bucket != null) {
			bucket.addTokens(1);
		}
	}

	private static Cache<String, Bucket> buckets(Duration period) {
		// A bucket untouched for a whole period is full again: forgetting it changes
		// nothing.
		return Caffeine.newBuilder().expireAfterAccess(period).maximumSize(200_000).build();
	}

	private static Bucket bucket(int capacity, Duration period) {
		return Bucket.builder()
			.addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build())
			.build();
	}

}
