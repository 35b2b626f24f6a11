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
	 */
	record CreateLink(@NotNull @DocumentPath String document,
			@NotNull @Size(min = 1, max = 10) List<@NotNull @Email @Size(max = 254) String> recipients,
			Set<@NotNull Right> rights, Instant expiresAt, @Pattern(regexp = "fr|nl|de|en") String locale,
			@Nullable Boolean signOnce) {
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
			@Nullable Set<Right> completed, @Nullable Boolean signOnce, LinkLocks.@Nullable Locks locks) {

		static LinkView of(Link link, @Nullable String url, Instant now) {
			return of(link, url, now, null);
		}

		static LinkView of(Link link, @Nullable String url, Instant now, LinkLocks.@Nullable Locks locks) {
			return new LinkView(link.id(), url, link.document(), link.rights(),
					link.recipientMacs().length / RecipientMacs.MAC_BYTES, link.locale(),
					link.status(now).name().toLowerCase(java.util.Locale.ROOT), link.createdAt(), link.expiresAt(),
					link.revokedAt(), link.completed().isEmpty() ? null : link.completed(),
					link.rights().contains(Right.SIGN) ? link.signOnce() : null, locks);
		}

	}

	/** One page of links, newest first; {@code nextCursor} is absent on the last page. */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record LinkPage(List<LinkView> items, @Nullable String nextCursor) {
	}

}
