package dev.securelink.gateway.admin;

import java.time.Clock;
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
import dev.securelink.gateway.tenant.TenantRepository;

/**
 * Support staff's requests under way, by tenant: when the company switches support access
 * off (on any instance: the change feed says so), those still running end at once, with a
 * 403 when nothing was answered yet and a cut connection otherwise, instead of running to
 * their end. Every later request is refused by {@link AdminAuthorization} already.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE)
class SupportRequests implements WebFilter, ChangeListener {

	/** Exchange attribute: the tenant whose data a support request reads. */
	static final String TENANT = SupportRequests.class.getName() + ".tenant";

	private static final Log logger = LogFactory.getLog(SupportRequests.class);

	private final Map<String, Set<Sinks.Empty<Void>>> underWay = new ConcurrentHashMap<>();

	private final TenantRepository tenants;

	private final Clock clock;

	SupportRequests(TenantRepository tenants, Clock clock) {
		this.tenants = tenants;
		this.clock = clock;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String tenant = exchange.getAttribute(TENANT);
		if (tenant == null) {
			return chain.filter(exchange);
		}
		Sinks.Empty<Void> ended = Sinks.empty();
		Set<Sinks.Empty<Void>> requests = this.underWay.computeIfAbsent(tenant, (key) -> ConcurrentHashMap.newKeySet());
		requests.add(ended);
		Mono<Void> stop = ended.asMono()
			.then(Mono.error(() -> new ResponseStatusException(HttpStatus.FORBIDDEN,
					"Support access was switched off while this request was under way.")));
		return Mono.firstWithSignal(chain.filter(exchange), stop).doFinally((signal) -> {
			requests.remove(ended);
			this.underWay.computeIfPresent(tenant, (key, left) -> left.isEmpty() ? null : left);
		});
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
