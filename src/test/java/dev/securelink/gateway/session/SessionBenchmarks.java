package dev.securelink.gateway.session;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.keys.KeysProperties;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.support.TestKeys;

/**
 * Session tokens: verification as the hot path pays it (cached by token) and uncached,
 * and signing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SessionBenchmarks {

	SessionCodec codec;

	SessionCodec uncached;

	SessionClaims claims;

	String token;

	int salt;

	@Setup
	public void setUp() {
		GatewayKeys keys = GatewayKeys.from(new KeysProperties(TestKeys.EMAIL_PEPPER, TestKeys.SESSION,
				TestKeys.assertionPem(), null, TestKeys.checkpointPem(), null, null));
		this.codec = new SessionCodec(keys);
		this.uncached = new SessionCodec(keys);
		Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		this.claims = new SessionClaims("id-1", "tenant-1", "AAAAAAAAAAAAAAAA", EnumSet.of(Right.VIEW, Right.PAY), 0,
				true, now, now.plusSeconds(3600), now, 0);
		this.token = this.codec.encode(this.claims);
		this.codec.decode(this.token);
	}

	@Benchmark
	public Object decodeCached() {
		return this.codec.decode(this.token);
	}

	/** Parse and HMAC check: a different token each time, so the cache never answers. */
	@Benchmark
	public Object decodeUncached() {
		SessionClaims fresh = new SessionClaims("id-" + (this.salt++), this.claims.tenantId(), this.claims.linkId(),
				this.claims.rights(), 0, true, this.claims.issuedAt(), this.claims.expiresAt(), this.claims.seenAt(),
				0);
		return this.uncached.decode(this.uncached.encode(fresh));
	}

	@Benchmark
	public String encode() {
		return this.codec.encode(this.claims);
	}

}
