package dev.securelink.gateway.edge;

import java.net.URI;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;

/**
 * Whether a state-changing request comes from the gateway's own origin. Browsers send
 * {@code Origin: null} on a same-origin form post when the page's referrer policy is
 * {@code no-referrer} (as every gateway response's is), so a real Origin is compared when
 * there is one, and Fetch Metadata's {@code Sec-Fetch-Site} decides otherwise.
 */
public final class SameOrigin {

	private final String origin;

	public SameOrigin(URI publicBaseUrl) {
		this.origin = publicBaseUrl.getScheme() + "://" + publicBaseUrl.getAuthority();
	}

	/**
	 * Whether the request's origin evidence allows a state-changing request.
	 * @param evidenceRequired whether a request that carries neither a real Origin nor
	 * Fetch Metadata (an old client, a script) is refused; otherwise another defence (a
	 * CSRF token) must decide for it
	 */
	public boolean test(HttpHeaders headers, boolean evidenceRequired) {
		return test(headers.getOrigin(), headers.getFirst("Sec-Fetch-Site"), evidenceRequired);
	}

	/**
	 * The same on the two headers' values, as read off any request.
	 * @param origin the {@code Origin} header, or null
	 * @param site the {@code Sec-Fetch-Site} header, or null
	 */
	public boolean test(@Nullable String origin, @Nullable String site, boolean evidenceRequired) {
		return test(this.origin, origin, site, evidenceRequired);
	}

	/**
	 * The same for a request that must come from {@code expected} (an origin such as
	 * {@code https://docs.example.com}).
	 */
	public static boolean test(String expected, @Nullable String origin, @Nullable String site,
			boolean evidenceRequired) {
		if (origin != null && !origin.equals("null")) {
			return origin.equals(expected);
		}
		if (site != null) {
			return site.equals("same-origin");
		}
		return origin == null && !evidenceRequired;
	}

}
