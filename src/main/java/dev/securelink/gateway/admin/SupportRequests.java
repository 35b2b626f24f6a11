package dev.securelink.gateway.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeListener;
import dev.securelink.gateway.tenant.SettingsCache;
import dev.securelink.gateway.tenant.TenantRepository;

/**
 * Support staff's requests under way, by tenant: when the company switches support access
 * off (on any instance: the change feed says so), or the time it granted runs out, those
 * still running end at once, with a 403 when nothing was answered yet and a cut
 * connection otherwise, instead of running to their end. Every later request is refused
 * by {@link AdminAuthorization} already.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class SupportRequests implements WebFilter, ChangeListener {

	/** Exchange attribute: the tenant whose data a support request reads. */
	static final String TENANT = SupportRequests.class.getName() + ".tenant";

	private static final Log logger = LogFactory.getLog(SupportRequests.class);

	private final Map<String, Set<Sinks.Empty<Void>>> underWay = new ConcurrentHashMap<>();

	private final TenantRepository tenants;

	private final SettingsCache settings;

	private final Clock clock;

	SupportRequests(TenantRepository tenants, SettingsCache settings, Clock clock) {
		this.tenants = tenants;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String tenant = exchange.getAttribute(TENANT);
		if (tenant == null) {
			return chain.filter(exchange);
		}
		Sinks.Empty<Void> ended = Sinks.empty();
		this.underWay.compute(tenant, (key, requests) -> {
			Set<Sinks.Empty<Void>> held = (requests != null) ? requests : ConcurrentHashMap.newKeySet();
			held.add(ended);
			return held;
		});
		// Registered, then checked again: a switch-off between the authorization and
		// now is seen here, one after it by changed().
		Mono<Void> request = this.settings.get(tenant).flatMap((settings) -> {
			Instant now = this.clock.instant();
			if (!settings.supportAccessActive(now)) {
				return Mono.error(ended());
			}
			Instant until = settings.supportAccessUntil();
			Mono<Void> expiry = (until != null) ? Mono.delay(Duration.between(now, until)).then() : Mono.never();
			Mono<Void> stop = Mono.firstWithSignal(ended.asMono(), expiry).then(Mono.error(SupportRequests::ended));
			return Mono.firstWithSignal(chain.filter(exchange), stop);
		});
		return request.doFinally((signal) -> this.underWay.computeIfPresent(tenant, (key, requests) -> {
			requests.remove(ended);
			return requests.isEmpty() ? null : requests;
		}));
	}

	private static ResponseStatusException ended() {
		return new ResponseStatusException(HttpStatus.FORBIDDEN,
				"Support access was switched off, or ended, while this request was under way.");
	}

	@Override
	public void changed(Change change) {
		if (change.kind() == Change.Kind.TENANT && this.underWay.containsKey(change.id())) {
			endIfSwitchedOff(change.id());
		}
	}

	@Override
	public void changesMissed() {
		this.underWay.keySet().forEach(this::endIfSwitchedOff);
	}

	/**
	 * Ends the tenant's support requests under way when its support access is off now.
	 */
	private void endIfSwitchedOff(String tenant) {
		this.tenants.find(tenant)
			.filter((settings) -> !settings.supportAccessActive(this.clock.instant()))
			.subscribe((off) -> this.underWay.getOrDefault(tenant, Set.of()).forEach(Sinks.Empty::tryEmitEmpty),
					(ex) -> logger
						.warn("Could not check support access after a change: " + ex.getClass().getSimpleName()));
	}

}
