package dev.securelink.gateway.link;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeListener;

/**
 * Links for the public flow, without a query on a hit. A code's hash maps to a link id
 * forever, so that mapping is kept long; a link's state (revoked, epoch) is kept at most
 * {@link #TTL}, and revocations arrive sooner through the change feed. A miss costs one
 * indexed query, which fills both caches.
 */
@Component
public class LinkCache implements ChangeListener {

	/** Bounds how long an instance that missed a notification may act on a stale link. */
	static final Duration TTL = Duration.ofSeconds(30);

	private final LinkRepository links;

	private final AsyncCache<String, Optional<Link>> byId;

	private final AsyncCache<String, Optional<String>> idByCode;

	LinkCache(LinkRepository links, MeterRegistry registry) {
		this.links = links;
		this.byId = Caffeine.newBuilder().expireAfterWrite(TTL).maximumSize(100_000).recordStats().buildAsync();
		this.idByCode = Caffeine.newBuilder()
			.expireAfterWrite(Duration.ofMinutes(10))
			.maximumSize(100_000)
			.recordStats()
			.buildAsync();
		CaffeineCacheMetrics.monitor(registry, this.byId, "links");
		CaffeineCacheMetrics.monitor(registry, this.idByCode, "link-codes");
	}

	/** The link a code opens, whatever its state; empty when no link has that code. */
	public Mono<Link> byCode(byte[] codeHash) {
		String key = HexFormat.of().formatHex(codeHash);
		return Mono.fromFuture(() -> this.idByCode.get(key,
				(k, executor) -> this.links.findByCodeHash(codeHash)
					.doOnNext((link) -> this.byId.put(link.id(), CompletableFuture.completedFuture(Optional.of(link))))
					.map((link) -> Optional.of(link.id()))
					.defaultIfEmpty(Optional.empty())
					.toFuture()),
				true)
			.flatMap((id) -> id.map(this::byId).orElse(Mono.empty()));
	}

	public Mono<Link> byId(String id) {
		return Mono.defer(() -> {
			CompletableFuture<Optional<Link>> link = this.byId.get(id, (k,
					executor) -> this.links.findById(id).map(Optional::of).defaultIfEmpty(Optional.empty()).toFuture());
			// A hit is already complete: no future stage and subscription per document
			// request.
			return (link.isDone() && !link.isCompletedExceptionally()) ? Mono.justOrEmpty(link.join())
					: Mono.fromFuture(link, true).flatMap(Mono::justOrEmpty);
		});
	}

	@Override
	public void changed(Change change) {
		if (change.kind() == Change.Kind.LINK) {
			this.byId.synchronous().invalidate(change.id());
		}
	}

	@Override
	public void changesMissed() {
		this.byId.synchronous().invalidateAll();
	}

}
