package dev.securelink.gateway.link;

import java.time.Instant;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * A recipient the link gained since its creation, without their address: their index, who
 * shared it with them ({@code addedBy}, absent for a person of an allowed domain), their
 * rights and how many shares away from a named recipient they are.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AddedView(int index, @Nullable Integer addedBy, String via, Set<Right> rights, int depth,
		Instant addedAt) {

	public static AddedView of(AddedRecipient added) {
		return new AddedView(added.index(), (added.addedBy() >= 0) ? added.addedBy() : null,
				(added.addedBy() >= 0) ? "share" : "domain", added.rights(), added.depth(), added.addedAt());
	}

}
