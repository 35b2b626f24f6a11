package dev.securelink.gateway.tenant;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.audit.AccessEvent;
import dev.securelink.gateway.audit.AuditDetail;
import dev.securelink.gateway.audit.AuditLog;
import dev.securelink.gateway.change.Change;
import dev.securelink.gateway.change.ChangeNotifier;
import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.ConflictException;
import dev.securelink.gateway.input.TenantIds;
import dev.securelink.gateway.mail.MailOutbox;
import dev.securelink.gateway.paths.GatewayPaths;

/** {@code /admin/v1/tenants/{tenantId}/settings}: the tenant's privacy settings. */
@RestController
@RequestMapping(GatewayPaths.ADMIN_TENANT + "/settings")
class TenantSettingsController {

	static final Duration MAX_SUPPORT_ACCESS = Duration.ofDays(30);

	static final int MAX_DISPLAY_NAME = 80;

	private final TenantRepository tenants;

	private final AuditLog audit;

	private final Clock clock;

	private final TransactionalOperator transaction;

	private final ChangeNotifier changes;

	private final LinkHosts hosts;

	private final MailOutbox mail;

	TenantSettingsController(TenantRepository tenants, AuditLog audit, Clock clock, TransactionalOperator transaction,
			ChangeNotifier changes, LinkHosts hosts, MailOutbox mail) {
		this.hosts = hosts;
		this.mail = mail;
		this.tenants = tenants;
		this.audit = audit;
		this.clock = clock;
		this.transaction = transaction;
		this.changes = changes;
	}

	/**
	 * A tenant that never saved settings has the defaults: verification on, support
	 * access off.
	 */
	@GetMapping
	Mono<SettingsView> get(@PathVariable String tenantId) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId))
			.flatMap(this.tenants::find)
			.map((settings) -> SettingsView.of(settings, this.clock.instant()));
	}

	/**
	 * Replaces the settings; the two GDPR switches are required, so nothing is changed by
	 * omission, and the renewal switches, when left out, keep their current values.
	 * Support access may end by itself at {@code supportAccessUntil}, at most 30 days
	 * ahead. Links may stay off the gateway's own host only for a tenant with a link host
	 * of its own (409 otherwise), and the code mode needs a mail relay (409 otherwise). A
	 * real change is audited with the actor and the old and new values, and reaches every
	 * instance at once.
	 */
	@PutMapping
	Mono<SettingsView> put(@PathVariable String tenantId, @Valid @RequestBody SettingsUpdate update,
			@AuthenticationPrincipal Jwt caller) {
		return Mono.fromCallable(() -> TenantIds.requireValid(tenantId)).flatMap((tenant) -> {
			Instant now = this.clock.instant().truncatedTo(ChronoUnit.MICROS);
			Instant until = supportUntil(update, now);
			return this.tenants.lock(tenant)
				.then(this.tenants.find(tenant))
				.flatMap((before) -> gatewayHost(tenant, update, before))
				.flatMap((before) -> this.tenants
					.save(new TenantSettings(tenant, verification(update, before.verification()),
							update.supportAccess(), until,
							orCurrent(update.selfServiceRenewal(), before.selfServiceRenewal()),
							orCurrent(update.renewalForRevoked(), before.renewalForRevoked()),
							(update.displayName() != null) ? displayName(update.displayName()) : before.displayName(),
							orCurrent(update.showSenderOnPrompt(), before.showSenderOnPrompt()),
							orCurrent(update.linksOnGatewayHost(), before.linksOnGatewayHost()),
							rememberDeviceDays(update, before), null, codeBeforeActions(update, before),
							recipientSharing(update, before), 0, null), now)
					.flatMap((after) -> (after.version() == before.version()) ? Mono.just(after) : this.audit
						.record(AccessEvent.settingsChanged(tenant, caller.getSubject(), now, detail(before, after)))
						.then(this.changes.notify(new Change(Change.Kind.TENANT, tenant)))
						.thenReturn(after)))
				.as(this.transaction::transactional)
				.map((settings) -> SettingsView.of(settings, now));
		});
	}

	/**
	 * The name trimmed, 1 to 80 characters of plain text on one line: no control or
	 * formatting characters (markup is shown as text, escaped).
	 */
	static String displayName(String given) {
		String name = given.strip();
		if (name.isEmpty() || name.codePointCount(0, name.length()) > MAX_DISPLAY_NAME) {
			throw new BadInputException("displayName", "must be 1 to " + MAX_DISPLAY_NAME + " characters once trimmed");
		}
		boolean plain = name.codePoints().allMatch((c) -> {
			int type = Character.getType(c);
			return type != Character.CONTROL && type != Character.FORMAT && type != Character.LINE_SEPARATOR
					&& type != Character.PARAGRAPH_SEPARATOR && type != Character.UNASSIGNED
					&& type != Character.PRIVATE_USE && type != Character.SURROGATE;
		});
		if (!plain) {
			throw new BadInputException("displayName",
					"must be plain text on one line: no control, formatting or unassigned characters");
		}
		return name;
	}

	/**
	 * {@code before}, once it is clear that the update may keep the tenant's links off
	 * the gateway's host: only with a link host of its own (the tenant's row is locked,
	 * so no host goes meanwhile).
	 */
	private Mono<TenantSettings> gatewayHost(String tenant, SettingsUpdate update, TenantSettings before) {
		if (!Boolean.FALSE.equals(update.linksOnGatewayHost())) {
			return Mono.just(before);
		}
		return this.hosts.of(tenant)
			.flatMap((hosts) -> hosts.isEmpty()
					? Mono.error(new ConflictException("linksOnGatewayHost",
							"can be false only for a tenant with a link host of its own (PUT …/link-hosts/{host})"))
					: Mono.just(before));
	}

	/**
	 * The mode the update asks for: {@code verification}, or as before this setting
	 * existed {@code emailVerification} (true keeps a mode that is on, and turns an off
	 * one to {@code address}); one of them is required, and both must agree.
	 */
	private Verification verification(SettingsUpdate update, Verification current) {
		Verification asked = null;
		if (update.verification() != null) {
			asked = Verification.of(update.verification());
			if (asked == null) {
				throw new BadInputException("verification", "must be off, address or code");
			}
		}
		Boolean on = update.emailVerification();
		if (asked == null && on == null) {
			throw new BadInputException("verification",
					"is required: off, address or code (or, as before, emailVerification true or false)");
		}
		if (asked != null && on != null && on != (asked != Verification.OFF)) {
			throw new BadInputException("emailVerification", "contradicts verification: leave one of them out");
		}
		if (asked == Verification.CODE && !this.mail.available()) {
			throw new ConflictException("verification",
					"can be code only once the gateway has a mail relay to send the codes (spring.mail.host)");
		}
		if (asked != null) {
			return asked;
		}
		return Boolean.TRUE.equals(on) ? ((current == Verification.OFF) ? Verification.ADDRESS : current)
				: Verification.OFF;
	}

	/**
	 * Whether a session verified by an address alone needs a code before sign or pay;
	 * left out, unchanged. On, it needs a mail relay and a mode that knows the recipient
	 * (409 otherwise).
	 */
	private boolean codeBeforeActions(SettingsUpdate update, TenantSettings before) {
		boolean on = orCurrent(update.codeBeforeActions(), before.codeBeforeActions());
		// Checked on the result, whatever the update names: an option left on must not
		// end up with no recipient to mail, or no relay.
		if (on) {
			if (!this.mail.available()) {
				throw new ConflictException("codeBeforeActions",
						"can be true only once the gateway has a mail relay to send the codes (spring.mail.host)");
			}
			if (verification(update, before.verification()) == Verification.OFF) {
				throw new ConflictException("codeBeforeActions",
						"needs a verification mode that knows the recipient (address or code), not off");
			}
		}
		return on;
	}

	/**
	 * {@code off}, {@code view}, {@code view+sign} or {@code full}; left out, unchanged.
	 */
	private static Sharing recipientSharing(SettingsUpdate update, TenantSettings before) {
		if (update.recipientSharing() == null) {
			return before.recipientSharing();
		}
		Sharing sharing = Sharing.of(update.recipientSharing());
		if (sharing == null) {
			throw new BadInputException("recipientSharing", "must be off, view, view+sign or full");
		}
		return sharing;
	}

	/** 0 (off), 7 or 30; left out, unchanged. */
	private static int rememberDeviceDays(SettingsUpdate update, TenantSettings before) {
		Integer days = update.rememberDeviceDays();
		if (days == null) {
			return before.rememberDeviceDays();
		}
		if (days != 0 && days != 7 && days != 30) {
			throw new BadInputException("rememberDeviceDays", "must be 0 (off), 7 or 30");
		}
		return days;
	}

	private static boolean orCurrent(@Nullable Boolean given, boolean current) {
		return (given != null) ? given : current;
	}

	private static @Nullable Instant supportUntil(SettingsUpdate update, Instant now) {
		Instant until = update.supportAccessUntil();
		if (until == null) {
			return null;
		}
		if (!update.supportAccess()) {
			throw new BadInputException("supportAccessUntil", "only goes with supportAccess true");
		}
		if (!until.isAfter(now) || until.isAfter(now.plus(MAX_SUPPORT_ACCESS))) {
			throw new BadInputException("supportAccessUntil", "must be in the future and at most 30 days ahead");
		}
		return until.truncatedTo(ChronoUnit.MICROS);
	}

	private static AuditDetail.SettingsChanged detail(TenantSettings before, TenantSettings after) {
		return new AuditDetail.SettingsChanged(values(before), values(after));
	}

	private static AuditDetail.Settings values(TenantSettings settings) {
		return new AuditDetail.Settings(settings.emailVerification(), settings.supportAccess(),
				settings.supportAccessUntil(), settings.selfServiceRenewal(), settings.renewalForRevoked(),
				settings.displayName(), settings.showSenderOnPrompt(), settings.linksOnGatewayHost(),
				settings.verification().id(), settings.rememberDeviceDays(), settings.codeBeforeActions(),
				settings.recipientSharing().id());
	}

}
