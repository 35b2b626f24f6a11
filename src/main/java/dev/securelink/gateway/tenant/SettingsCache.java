package dev.securelink.gateway.tenant;

import java.time.Duration;
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
 * Tenant settings for the public flow, kept at most 30 s and forgotten at once when the
 * change feed says so.
 */
@Component
public class SettingsCache implements ChangeListener {

	private final TenantRepository tenants;

	private final AsyncCache<String, TenantSettings> cache = Caffeine.newBuilder()
		.expireAfterWrite(Duration.ofSeconds(30))
		.maximumSize(100_000)
		.recordStats()
		.buildAsync();

	SettingsCache(TenantRepository tenants, MeterRegistry registry) {
		this.tenants = tenants;
		CaffeineCacheMetrics.monitor(registry, this.cache, "tenant-settings");
	}

	public Mono<TenantSettings> get(String tenantId) {
		return Mono.defer(() -> {
			CompletableFuture<TenantSettings> settings = this.cache.get(tenantId,
					(k, executor) -> this.tenants.find(tenantId).toFuture());
			// A hit is already complete: no future stage and subscription per document
			// request.
			return (settings.isDone() && !settings.isCompletedExceptionally()) ? Mono.justOrEmpty(settings.join())
					: Mono.fromFuture(settings, true);
		});
	}

	@Override
	public void changed(Change change) {
		if (change.kind() == Change.Kind.TENANT) {
			this.cache.synchronous().invalidate(change.id());
		}
	}

	@Override
	public void changesMissed() {
		this.cache.synchronous().invalidateAll();
	}

}
