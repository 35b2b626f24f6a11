package dev.securelink.gateway.privacy;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.admin.AdminPrincipals;
import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditChain;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditType;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.link.LinkRecipients;
import dev.securelink.gateway.link.LinkRepository;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.tenant.TenantRepository;
import dev.securelink.gateway.tenant.TenantSettings;

/**
 * Who has access to the company's data, as its GDPR settings page shows it: the
 * principals that used the admin API for it, the support access state with its history,
 * what recipients see of the company before they are verified, and the active links per
 * right.
 */
@RestController
@RequestMapping(GatewayPaths.ADMIN_TENANT)
class AccessOverviewController {

	private final AdminPrincipals principals;

	private final TenantRepository tenants;

	private final LinkRepository links;

	private final LinkRecipients recipients;

	private final AuditChain chain;

	private final Clock clock;

	AccessOverviewController(AdminPrincipals principals, TenantRepository tenants, LinkRepository links,
			LinkRecipients recipients, AuditChain chain, Clock clock) {
		this.recipients = recipients;
		this.principals = principals;
		this.tenants = tenants;
		this.links = links;
		this.chain = chain;
		this.clock = clock;
	}

	@GetMapping("/access")
	Mono<AccessOverview> access(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap((tenant) -> {
			Instant now = this.clock.instant();
			Mono<List<SupportChange>> history = this.chain.ofType(tenant, AuditType.SETTINGS_CHANGED)
				.mapNotNull((stored) -> SupportChange.of(stored.event()))
				.collectList();
			return Mono
				.zip(this.principals.of(tenant).collectList(), this.links.activeByRight(tenant, now), history,
						this.tenants.find(tenant), this.recipients.activeAdded(tenant, now))
				.map((all) -> AccessOverview.of(tenant, all.getT1(), all.getT2(), all.getT3(), all.getT4(), now,
						all.getT5()));
		});
	}

	/**
	 * The overview.
	 *
	 * @param emailVerification whether recipients must type their address
	 * @param activeLinks links not expired or revoked, per right they carry
	 * @param sharing what recipients may pass on, and who they gave access
	 */
	record AccessOverview(String tenantId, List<AdminPrincipals.Principal> principals, SupportAccess supportAccess,
			Sender sender, boolean emailVerification, ActiveLinks activeLinks, SharedAccess sharing) {

		static AccessOverview of(String tenant, List<AdminPrincipals.Principal> principals,
				Map<Right, Long> activeLinks, List<SupportChange> history, TenantSettings settings, Instant now,
				LinkRecipients.Added added) {
			boolean support = settings.supportAccessActive(now);
			return new AccessOverview(tenant, principals,
					new SupportAccess(support, support ? settings.supportAccessUntil() : null, history),
					new Sender(settings.displayName(), settings.showSenderOnPrompt()), settings.emailVerification(),
					new ActiveLinks(activeLinks.getOrDefault(Right.VIEW, 0L), activeLinks.getOrDefault(Right.SIGN, 0L),
							activeLinks.getOrDefault(Right.PAY, 0L)),
					new SharedAccess(settings.recipientSharing().id(), added.shared(), added.links(), added.ofDomains(),
							added.latest(), added.shared() + added.ofDomains() > added.latest().size()));
		}

	}

	/**
	 * What recipients may pass on ({@code recipientSharing}), and on active links the
	 * people they gave access (on how many links) and the people of allowed domains who
	 * proved their mailbox; the newest of them ({@code latest}: the link, the person's
	 * index, who gave them access, rights, depth, when), {@code truncated} when there are
	 * more. Each link's whole list is in {@code GET …/links/{id}}
	 * ({@code addedRecipients}) and its evidence.
	 */
	record SharedAccess(String recipientSharing, long sharedWith, long links, long ofDomains,
			List<LinkRecipients.Delegation> latest, boolean truncated) {
	}

	/** Whether support staff may read the data now, until when, and every change. */
	record SupportAccess(boolean enabled, @Nullable Instant until, List<SupportChange> history) {
	}

	/** What recipients see of the company before they are verified. */
	record Sender(@Nullable String displayName, boolean showSenderOnPrompt) {
	}

	/** Active links per right. */
	record ActiveLinks(long view, long sign, long pay) {
	}

	/** A settings change that changed support access: when, by whom, to what. */
	record SupportChange(Instant at, @Nullable String by, @Nullable Boolean supportAccess, @Nullable Instant until) {

		/** The change {@code event} made to support access, or null when it made none. */
		static @Nullable SupportChange of(AccessEvent event) {
			if (!(event.details() instanceof AuditDetail.SettingsChanged change)) {
				return null;
			}
			AuditDetail.Settings before = change.before();
			AuditDetail.Settings after = change.after();
			boolean changed = !Objects.equals(before.supportAccess(), after.supportAccess())
					|| !Objects.equals(before.supportAccessUntil(), after.supportAccessUntil());
			return changed ? new SupportChange(event.occurredAt(), event.actor(), after.supportAccess(),
					after.supportAccessUntil()) : null;
		}

	}

}
