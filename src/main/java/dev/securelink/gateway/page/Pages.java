package dev.securelink.gateway.page;

/**
 * The gateway's pages are marked with {@link #MARK} so that nobody mistakes them for a
 * page of the document service. The message pages come from {@link MessagePages}, the
 * pages with a form (the e-mail prompt among them) from {@link FormPages}.
 */
public final class Pages {

	/**
	 * Response header naming the gateway page, on every page the gateway makes itself.
	 */
	public static final String MARK = "X-SecureLink-Page";

	private Pages() {
	}

}
