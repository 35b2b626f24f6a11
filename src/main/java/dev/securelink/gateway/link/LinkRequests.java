package dev.securelink.gateway.link;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/** The admin API's link bodies. */
final class LinkRequests {

	private LinkRequests() {
	}

	/**
	 * {@code POST /admin/v1/tenants/{tenantId}/links}.
	 *
	 * @param rights {@code view} is always granted; {@code sign} and {@code pay} on
	 * request
	 * @param expiresAt defaults to {@code securelink.link-default-lifetime} from now
	 * @param locale the page language for the recipient; Accept-Language decides when
	 * absent
	 * @param sharing what its recipients may pass on to a colleague, when stricter than
	 * the company's {@code recipientSharing}: {@code off}, {@code view},
	 * {@code view+sign} or {@code full}
	 * @param allowDomains an organisation as audience: any mailbox at these registrable
	 * domains that proves itself with an e-mail code (the code mode only)
	 */
	record CreateLink(@NotNull @DocumentPath String document,
			@NotNull @Size(min = 1, max = 10) List<@NotNull @Email @Size(max = 254) String> recipients,
			Set<@NotNull Right> rights, Instant expiresAt, @Pattern(regexp = "fr|nl|de|en") String locale,
			@Nullable Boolean signOnce, @Nullable String sharing,
			@Nullable @Size(max = Audiences.MAX_DOMAINS) List<@NotNull @Size(max = 253) String> allowDomains) {

	}

	/**
	 * {@code PATCH …/links/{id}} body, each member optional: a new expiry, and actions
	 * the invoicing application knows are done ({@code pay}, {@code sign}).
	 */
	record UpdateLink(@Nullable Instant expiresAt, @Nullable Set<@NotNull Right> completed) {
	}

	/**
	 * A link as the admin API shows it: never the code (except once, in {@code url}, on
	 * creation), never the recipients' addresses, only how many there are; the locks on
	 * its e-mail check when one link is asked for (never which clients are locked).
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record LinkView(String id, @Nullable String url, String document, Set<Right> rights, int recipients,
			@Nullable String locale, String status, Instant createdAt, Instant expiresAt, @Nullable Instant revokedAt,
			@Nullable Set<Right> completed, @Nullable Boolean signOnce, LinkLocks.@Nullable Locks locks,
			@Nullable String sharing, @Nullable List<String> allowDomains, @Nullable List<AddedView> addedRecipients) {

		static LinkView of(Link link, @Nullable String url, Instant now) {
			return of(link, url, now, null);
		}

		static LinkView of(Link link, @Nullable String url, Instant now, LinkLocks.@Nullable Locks locks) {
			return new LinkView(link.id(), url, link.document(), link.rights(), link.namedRecipients(), link.locale(),
					link.status(now).name().toLowerCase(java.util.Locale.ROOT), link.createdAt(), link.expiresAt(),
					link.revokedAt(), link.completed().isEmpty() ? null : link.completed(),
					link.rights().contains(Right.SIGN) ? link.signOnce() : null, locks,
					(link.sharing() != null) ? link.sharing().id() : null,
					link.allowDomains().isEmpty() ? null : link.allowDomains(),
					link.added().isEmpty() ? null : link.added().stream().map(AddedView::of).toList());
		}

	}

	/** One page of links, newest first; {@code nextCursor} is absent on the last page. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record LinkPage(List<LinkView> items, @Nullable String nextCursor) {
	}

}
