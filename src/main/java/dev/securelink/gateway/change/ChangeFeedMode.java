package dev.securelink.gateway.change;

/**
 * How {@link ChangeFeed} hears of changes: the tag of the metric
 * {@code securelink.change.feed.mode} and the feed's health detail.
 */
enum ChangeFeedMode {

	/** NOTIFY arrives on the LISTEN connection. */
	LISTEN,

	/** It does not: {@code change_log} is polled. */
	POLLING;

	String id() {
		return name().toLowerCase(java.util.Locale.ROOT);
	}

}
