package dev.securelink.gateway.tenant;

import java.net.IDN;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeListener;
import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.ConflictException;

/**
 * Companies' own link hosts ({@code docs.acme.be}): which tenant each belongs to. Every
 * instance keeps all of them in memory (a host per company at most a few), reloaded when
 * the change feed announces a tenant's change (adding or removing a host is one) and at
 * least every {@link #TTL}. A host is an origin on the gateway's scheme and port: what a
 * link created for the tenant carries, what the prompt's form must come from there.
 */
@Component
public class LinkHosts implements ChangeListener {

	static final Duration TTL = Duration.ofSeconds(30);

	/** At most this many hosts per tenant. */
	static final int MAX_PER_TENANT = 10;

	private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

	private final DatabaseClient db;

	private final String scheme;

	private final String port;

	private final String gatewayHost;

	private final DocumentOrigins documents;

	private volatile Mono<Map<String, String>> snapshot;

	LinkHosts(DatabaseClient db, GatewayProperties gateway, DocumentOrigins documents) {
		this.db = db;
		URI base = gateway.publicBaseUrl();
		this.scheme = base.getScheme() + "://";
		this.port = (base.getPort() != -1) ? ":" + base.getPort() : "";
		this.gatewayHost = String.valueOf(base.getHost()).toLowerCase(Locale.ROOT);
		this.documents = documents;
		this.snapshot = load();
	}

	private Mono<Map<String, String>> load() {
		return this.db.sql("select host, tenant_id from tenant_link_host")
			.map((row) -> Map.entry(row.get("host", String.class), row.get("tenant_id", String.class)))
			.all()
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, HashMap::new)
			.<Map<String, String>>map(Map::copyOf)
			.cache((hosts) -> TTL, (ex) -> Duration.ZERO, () -> Duration.ZERO);
	}

	/**
	 * The tenant whose link host {@code host} is (a {@code Host} header: any case, with
	 * or without a port), empty for any other host (the gateway's own).
	 */
	public Mono<Optional<String>> owner(@Nullable String host) {
		String name = DocumentOrigins.hostName(host);
		return this.snapshot.map((hosts) -> Optional.ofNullable((name != null) ? hosts.get(name) : null));
	}

	/**
	 * Whether a code of {@code tenant} opens on {@code host} (a {@code Host} header): on
	 * one of its link hosts, yes; on another tenant's, never; on any other host (the
	 * gateway's), unless the tenant keeps its links off it.
	 */
	public Mono<Boolean> opens(@Nullable String host, TenantSettings tenant) {
		return owner(host).map((owner) -> owner.map(tenant.tenantId()::equals).orElse(tenant.linksOnGatewayHost()));
	}

	/**
	 * Loads the hosts once the application is up, so that the first request finds them.
	 */
	@EventListener(ApplicationReadyEvent.class)
	void warm() {
		refresh();
	}

	/** Starts loading the hosts now, so that no request waits for it. */
	private void refresh() {
		Mono<Map<String, String>> fresh = load();
		this.snapshot = fresh;
		fresh.subscribe(null, (ex) -> {
		});
	}

	/**
	 * The origin a request to {@code host} must come from to change state: the link
	 * host's own when it is one, else empty (the gateway's: the caller knows it).
	 */
	public Mono<String> originOf(@Nullable String host) {
		return owner(host).flatMap((owner) -> owner.isPresent()
				? Mono.just(origin(String.valueOf(DocumentOrigins.hostName(host)))) : Mono.empty());
	}

	/** {@code https://docs.acme.be}: the origin of a link host. */
	public String origin(String host) {
		return this.scheme + host + this.port;
	}

	/** A tenant's hosts, oldest first (the first is the one new links carry). */
	public Mono<List<LinkHost>> of(String tenantId) {
		return this.db
			.sql("select host, created_at from tenant_link_host where tenant_id = :tenant "
					+ "order by created_at, host")
			.bind("tenant", tenantId)
			.map((row) -> new LinkHost(row.get("host", String.class), row.get("created_at", Instant.class)))
			.all()
			.collectList();
	}

	/** The origin new links of {@code tenantId} carry, or empty for the gateway's. */
	public Mono<String> linkOrigin(String tenantId) {
		return of(tenantId).flatMap((hosts) -> hosts.isEmpty() ? Mono.empty() : Mono.just(origin(hosts.get(0).host())));
	}

	/** A link host of a tenant. */
	public record LinkHost(String host, Instant createdAt) {
	}

	/**
	 * Adds {@code host} (normalized) to {@code tenantId}'s, in the caller's transaction:
	 * whether it was added, and the tenant that holds it (this one, or another).
	 */
	Mono<Added> add(String tenantId, String host, Instant now) {
		return this.db.sql("""
				with added as (
				    insert into tenant_link_host (host, tenant_id, created_at) values (:host, :tenant, :now)
				    on conflict (host) do nothing
				    returning tenant_id
				)
				select tenant_id, true as added from added
				union all
				select tenant_id, false as added from tenant_link_host where host = :host
				""")
			.bind("host", host)
			.bind("tenant", tenantId)
			.bind("now", now)
			.map((row) -> new Added(Boolean.TRUE.equals(row.get("added", Boolean.class)),
					String.valueOf(row.get("tenant_id", String.class))))
			.all()
			.next()
			// Another tenant's insert of the same host, not yet committed when this one
			// ran: neither part of the statement sees it.
			.switchIfEmpty(Mono.error(() -> new ConflictException("host", "is being given to another tenant")));
	}

	/** What adding a host came to: whether it is new, and whose it is. */
	record Added(boolean added, String owner) {
	}

	/** Removes {@code host} from {@code tenantId}'s: whether it was one. */
	Mono<Boolean> remove(String tenantId, String host) {
		return this.db.sql("delete from tenant_link_host where host = :host and tenant_id = :tenant")
			.bind("host", host)
			.bind("tenant", tenantId)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/**
	 * {@code given} as a link host: a DNS name of two or more labels (an international
	 * one in its ASCII form), lower-case, without a trailing dot; not an address, not the
	 * gateway's own host, and not in the documents' domain.
	 * @throws BadInputException naming {@code host}
	 */
	String normalize(String given) {
		String ascii;
		try {
			ascii = IDN.toASCII(given.strip(), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
		}
		catch (IllegalArgumentException ex) {
			throw new BadInputException("host", "must be a DNS name such as docs.example.com");
		}
		if (ascii.endsWith(".")) {
			ascii = ascii.substring(0, ascii.length() - 1);
		}
		String[] labels = ascii.split("\\.", -1);
		boolean valid = ascii.length() <= 253 && labels.length >= 2;
		for (String label : labels) {
			valid = valid && LABEL.matcher(label).matches();
		}
		if (!valid || labels[labels.length - 1].matches("[0-9]+")) {
			throw new BadInputException("host", "must be a DNS name of two or more labels, such as docs.example.com");
		}
		if (ascii.equals(this.gatewayHost)) {
			throw new BadInputException("host", "is the gateway's own host, which serves every tenant");
		}
		if (this.documents.inDomain(ascii) || ("." + ascii).equals(this.documents.domain())) {
			throw new BadInputException("host", "is in the documents' domain, whose every name is a document's");
		}
		return ascii;
	}

	@Override
	public void changed(Change change) {
		if (change.kind() == Change.Kind.TENANT) {
			refresh();
		}
	}

	@Override
	public void changesMissed() {
		refresh();
	}

}
