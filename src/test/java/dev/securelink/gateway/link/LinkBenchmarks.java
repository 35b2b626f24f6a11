package dev.securelink.gateway.link;

import java.time.Instant;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import reactor.core.publisher.Mono;

/**
 * The code's shape check and hash, and a link cache hit as the hot path subscribes to it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LinkBenchmarks {

	String code;

	LinkCache cache;

	@Setup
	public void setUp() {
		this.code = LinkCode.generate();
		Link link = new Link("AAAAAAAAAAAAAAAA", "tenant-1", "/docs/1", EnumSet.of(Right.VIEW), new byte[32], null,
				Instant.now(), Instant.now().plusSeconds(86_400), null, 0, EnumSet.noneOf(Right.class), true);
		// A repository that answers from memory: the benchmark measures the cache, not
		// PostgreSQL.
		LinkRepository memory = new LinkRepository(null, null) {
			@Override
			public Mono<Link> findById(String id) {
				return Mono.just(link);
			}
		};
		this.cache = new LinkCache(memory, new SimpleMeterRegistry());
		this.cache.byId(link.id()).block();
	}

	@Benchmark
	public byte[] hashTheCode() {
		return LinkCode.hash(this.code);
	}

	@Benchmark
	public boolean wellFormed() {
		return LinkCode.isWellFormed(this.code);
	}

	@Benchmark
	public Link cacheHit() {
		return this.cache.byId("AAAAAAAAAAAAAAAA").block();
	}

	@Benchmark
	public boolean confinement() {
		return SafePaths.isSafe("/invoices/2026/0042/page/3.pdf");
	}

}
