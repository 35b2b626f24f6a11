package dev.securelink.gateway.support;

import java.time.Instant;
import java.util.List;

import dev.securelink.gateway.paths.GatewayPaths;

/**
 * The admin API's answer to a link creation, as the tests read it.
 *
 * @param url the mailed link, the only place its code is ever shown
 * @param signOnce shown for a link with the sign right
 * @param sharing shown when the link is stricter than its company
 * @param allowDomains shown for an organisation as audience
 */
public record CreatedLink(String id, String url, String document, List<String> rights, int recipients, String locale,
		String status, Instant createdAt, Instant expiresAt, Boolean signOnce, String sharing,
		List<String> allowDomains) {

	/** The link's path as a browser requests it: {@code /l/{code}}. */
	public String path() {
		return this.url.substring(this.url.indexOf(GatewayPaths.LINK));
	}

	/** The code the link carries. */
	public String code() {
		return this.url.substring(this.url.lastIndexOf('/') + 1);
	}

	/** Where a granted link goes: {@code /d/{id}/}. */
	public String documentSpace() {
		return GatewayPaths.document(this.id);
	}

}
