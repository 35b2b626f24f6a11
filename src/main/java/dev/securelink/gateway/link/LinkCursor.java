package dev.securelink.gateway.link;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** An opaque paging position: the creation time and id of the last link of a page. */
record LinkCursor(Instant createdAt, String id) {

	String encode() {
		String raw = this.createdAt.getEpochSecond() + "." + this.createdAt.getNano() + "." + this.id;
		return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.US_ASCII));
	}

	/**
	 * The cursor behind {@code value}.
	 * @throws IllegalArgumentException when {@code value} is not a cursor this gateway
	 * made
	 */
	static LinkCursor decode(String value) {
		String raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.US_ASCII);
		String[] parts = raw.split("\\.", 3);
		if (parts.length != 3 || !parts[2].matches("[A-Za-z0-9_-]{16}")) {
			throw new IllegalArgumentException("not a cursor");
		}
		return new LinkCursor(Instant.ofEpochSecond(Long.parseLong(parts[0]), Long.parseLong(parts[1])), parts[2]);
	}

}
