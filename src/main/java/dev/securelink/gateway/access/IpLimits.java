package dev.securelink.gateway.access;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

import org.springframework.stereotype.Component;

/**
 * Per-client-IP token buckets, one instance's view (the per-link lock in PostgreSQL is the exact, shared limit):
 * one for unknown codes, one for wrong addresses.
 */
@Component
class IpLimits {

	private final Cache<String, Bucket> unknownCodes;

	private final Cache<String, Bucket> wrongAddresses;

	private final LimitsProperties limits;

	IpLimits(LimitsProperties limits) {
		this.limits = limits;
		this.unknownCodes = buckets(limits.unknownCodesPeriod());
		this.wrongAddresses = buckets(limits.wrongAddressesPeriod());
	}

	/** Whether this client may still try codes; asks without spending. */
	boolean mayTryCodes(String client) {
		Bucket bucket = this.unknownCodes.getIfPresent(client);
		return bucket == null || bucket.getAvailableTokens() > 0;
	}

	/** Spends one unknown-code token; false when none was left. */
	boolean unknownCode(String client) {
		return this.unknownCodes.get(client, (key) -> bucket(this.limits.unknownCodes(), this.limits.unknownCodesPeriod()))
			.tryConsume(1);
	}

	boolean mayTryAddresses(String client) {
		Bucket bucket = this.wrongAddresses.getIfPresent(client);
		return bucket == null || bucket.getAvailableTokens() > 0;
	}

	boolean wrongAddress(String client) {
		return this.wrongAddresses
			.get(client, (key) -> bucket(this.limits.wrongAddresses(), this.limits.wrongAddressesPeriod()))
			.tryConsume(1);
	}

	private static Cache<String, Bucket> buckets(Duration period) {
		// A bucket untouched for a whole period is full again: forgetting it changes nothing.
		return Caffeine.newBuilder().expireAfterAccess(period).maximumSize(200_000).build();
	}

	private static Bucket bucket(int capacity, Duration period) {
		return Bucket.builder()
			.addLimit(Bandwidth.builder().capacity(capacity).refillGreedy(capacity, period).build())
			.build();
	}

}
