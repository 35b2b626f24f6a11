package dev.securelink.gateway.tenant;

import java.time.Instant;
import java.util.Objects;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** Tenants' settings in PostgreSQL. */
@Repository
public class TenantRepository {

	private final DatabaseClient db;

	TenantRepository(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * The stored settings, or the defaults for a tenant that has none; reading never
	 * creates a row.
	 */
	public Mono<TenantSettings> find(String tenantId) {
		return this.db.sql("select * from tenant where id = :id")
			.bind("id", tenantId)
			.map(TenantRepository::settings)
			.one()
			.defaultIfEmpty(TenantSettings.defaults(tenantId));
	}

	/** Creates the tenant with default settings unless it exists. */
	public Mono<Void> ensure(String tenantId, Instant now) {
		return this.db.sql("""
				insert into tenant (id, created_at, updated_at) values (:id, :now, :now)
				on conflict (id) do nothing
				""").bind("id", tenantId).bind("now", now).then();
	}

	/**
	 * Locks the tenant's row until the caller's transaction ends, so that what is counted
	 * per tenant (its webhook endpoints) cannot be passed by two writers at once.
	 */
	public Mono<Void> lock(String tenantId) {
		return this.db.sql("select id from tenant where id = :id for update").bind("id", tenantId).then();
	}

	/**
	 * Saves {@code settings} (their version and time are the store's); the version moves
	 * only when a value really changes.
	 */
	Mono<TenantSettings> save(TenantSettings settings, Instant now) {
		return this.db
			.sql("""
					insert into tenant (id, verification, support_access, support_access_until,
					                    self_service_renewal, renewal_for_revoked, display_name, show_sender_on_prompt,
					                    links_on_gateway_host, remember_device_days, remember_device_since,
					                    code_before_actions, recipient_sharing, created_at, updated_at)
					values (:id, :verification, :support, :until, :renewal, :renewalRevoked, :displayName, :showSender,
					        :gatewayHost, :rememberDays, case when :rememberDays > 0 then :now end, :codeBeforeActions,
					        :sharing, :now, :now)
					on conflict (id) do update
					set verification = excluded.verification,
					    support_access = excluded.support_access,
					    support_access_until = excluded.support_access_until,
					    self_service_renewal = excluded.self_service_renewal,
					    renewal_for_revoked = excluded.renewal_for_revoked,
					    display_name = excluded.display_name,
					    show_sender_on_prompt = excluded.show_sender_on_prompt,
					    links_on_gateway_host = excluded.links_on_gateway_host,
					    remember_device_days = excluded.remember_device_days,
					    code_before_actions = excluded.code_before_actions,
					    recipient_sharing = excluded.recipient_sharing,
					    remember_device_since = case when excluded.remember_device_days = 0 then null
					                                 when tenant.remember_device_days = 0 then excluded.updated_at
					                                 else tenant.remember_device_since end,
					    settings_version = tenant.settings_version + 1,
					    updated_at = excluded.updated_at
					where (tenant.verification, tenant.support_access, tenant.support_access_until,
					       tenant.self_service_renewal, tenant.renewal_for_revoked, tenant.display_name,
					       tenant.show_sender_on_prompt, tenant.links_on_gateway_host, tenant.remember_device_days,
					       tenant.code_before_actions, tenant.recipient_sharing)
					      is distinct from (excluded.verification, excluded.support_access, excluded.support_access_until,
					                        excluded.self_service_renewal, excluded.renewal_for_revoked, excluded.display_name,
					                        excluded.show_sender_on_prompt, excluded.links_on_gateway_host,
					                        excluded.remember_device_days, excluded.code_before_actions,
					                        excluded.recipient_sharing)
					""")
			.bind("id", settings.tenantId())
			.bind("verification", settings.verification().id())
			.bind("support", settings.supportAccess())
			.bind("until", Parameter.fromOrEmpty(settings.supportAccessUntil(), Instant.class))
			.bind("renewal", settings.selfServiceRenewal())
			.bind("renewalRevoked", settings.renewalForRevoked())
			.bind("displayName", Parameter.fromOrEmpty(settings.displayName(), String.class))
			.bind("showSender", settings.showSenderOnPrompt())
			.bind("gatewayHost", settings.linksOnGatewayHost())
			.bind("rememberDays", settings.rememberDeviceDays())
			.bind("codeBeforeActions", settings.codeBeforeActions())
			.bind("sharing", settings.recipientSharing().id())
			.bind("now", now)
			.then()
			.then(find(settings.tenantId()));
	}

	private static TenantSettings settings(Readable row) {
		return new TenantSettings(row.get("id", String.class),
				Objects.requireNonNull(
						Verification.of(Objects.requireNonNull(row.get("verification", String.class), "not null")),
						"checked by the table"),
				row.get("support_access", Boolean.class), row.get("support_access_until", Instant.class),
				row.get("self_service_renewal", Boolean.class), row.get("renewal_for_revoked", Boolean.class),
				row.get("display_name", String.class), row.get("show_sender_on_prompt", Boolean.class),
				row.get("links_on_gateway_host", Boolean.class), row.get("remember_device_days", Integer.class),
				row.get("remember_device_since", Instant.class), row.get("code_before_actions", Boolean.class),
				Objects.requireNonNull(
						Sharing.of(Objects.requireNonNull(row.get("recipient_sharing", String.class), "not null")),
						"checked by the table"),
				row.get("settings_version", Long.class), row.get("updated_at", Instant.class));
	}

}
