package dev.securelink.gateway.paths;

import java.util.List;

/**
 * Every path the gateway answers, in one place: the routes, the access log, the chart's
 * ingress (its paths are {@link #PUBLIC_PREFIXES}, a test compares them) and the tests
 * use these. Everything else on the public port is the upstream's nothing: a 404 page.
 */
public final class GatewayPaths {

	/**
	 * The link as mailed: {@code /l/{code}}, with {@code /sign} or {@code /pay} for the
	 * buttons.
	 */
	public static final String LINK = "/l/";

	/** The route of a mailed link. */
	public static final String LINK_ROUTE = "/l/{code}";

	/** The route of the sign and pay buttons. */
	public static final String LINK_ACTION_ROUTE = "/l/{code}/{action}";

	/** The route of the form to ask for a new link, under the code. */
	public static final String LINK_RENEWAL_ROUTE = "/l/{code}/renew";

	/**
	 * The document space of one session: {@code /d/{linkId}/**}, proxied to the upstream.
	 */
	public static final String DOCUMENT = "/d/";

	/** The gateway's own static assets (styles), served from memory. */
	public static final String ASSETS = "/_gw/";

	/** The route of one asset. */
	public static final String ASSET_ROUTE = "/_gw/{name}";

	/**
	 * The gateway's page that asks a session verified by an address alone for an e-mail
	 * code before sign or pay: its address is this and the step-up token (a path segment,
	 * so that a log redacts it as every long segment).
	 */
	public static final String STEP_UP = "/_gw/step-up/";

	/** {@link #STEP_UP} as a route. */
	public static final String STEP_UP_ROUTE = "/_gw/step-up/{token}";

	/**
	 * The page where a verified recipient shares the document with a colleague: on the
	 * document's own host, or with a shared origin under the link id
	 * ({@link #SHARE_ROUTE}).
	 */
	public static final String SHARE = "/_gw/share";

	/** {@link #SHARE} with a shared origin: the link id as the last segment. */
	public static final String SHARE_ROUTE = "/_gw/share/{linkId}";

	/**
	 * The page where a verified recipient says the document was not meant for them: on
	 * the document's own host, or with a shared origin under the link id
	 * ({@link #NOT_FOR_ME_ROUTE}).
	 */
	public static final String NOT_FOR_ME = "/_gw/not-for-me";

	/** {@link #NOT_FOR_ME} with a shared origin: the link id as the last segment. */
	public static final String NOT_FOR_ME_ROUTE = "/_gw/not-for-me/{linkId}";

	/** Where the upstream finds the keys that verify the gateway's assertions. */
	public static final String WELL_KNOWN = "/.well-known/";

	/** The gateway's public keys as a JWK set. */
	public static final String JWKS = "/.well-known/jwks.json";

	/**
	 * The admin API: never routed by the public ingress, and on its own port when one is
	 * set.
	 */
	public static final String ADMIN = "/admin/";

	/** One tenant's resources in the admin API. */
	public static final String ADMIN_TENANT = "/admin/v1/tenants/{tenantId}";

	/**
	 * The prefixes an ingress routes to the gateway's public port, in the chart's order.
	 */
	public static final List<String> PUBLIC_PREFIXES = List.of(LINK, DOCUMENT, ASSETS, WELL_KNOWN);

	private GatewayPaths() {
	}

	/**
	 * The first segment of {@code prefix}, as {@link RequestPaths#firstSegment} gives it.
	 */
	static String segment(String prefix) {
		return prefix.substring(1, prefix.length() - 1);
	}

	/** The document space of {@code linkId}: where a granted link goes. */
	public static String document(String linkId) {
		return DOCUMENT + linkId + "/";
	}

	/**
	 * Where the share page of {@code linkId} is: on the document's host, or under the
	 * link id with a shared origin.
	 */
	public static String share(boolean ownOrigins, String linkId) {
		return ownOrigins ? SHARE : SHARE + "/" + linkId;
	}

	/** Where the "not meant for me" page of {@code linkId} is, as {@link #share}. */
	public static String notForMe(boolean ownOrigins, String linkId) {
		return ownOrigins ? NOT_FOR_ME : NOT_FOR_ME + "/" + linkId;
	}

	/** The link a recipient is mailed, on {@code baseUrl}. */
	public static String link(String baseUrl, String code) {
		return baseUrl + LINK + code;
	}

	/**
	 * Where the form to ask for a new link posts, under {@code codeSegment} (the code's
	 * path segment as the request spelled it).
	 */
	public static String renewal(String codeSegment) {
		return LINK + codeSegment + "/renew";
	}

	/**
	 * The code's path segment of a request under {@link #LINK}, as it was spelled (not
	 * decoded).
	 */
	public static String codeSegment(String linkPath) {
		int end = linkPath.indexOf('/', LINK.length());
		return (end != -1) ? linkPath.substring(LINK.length(), end) : linkPath.substring(LINK.length());
	}

	/** Where the admin API's tenant resources live. */
	public static String tenant(String tenantId) {
		return ADMIN_TENANT.replace("{tenantId}", tenantId);
	}

}
