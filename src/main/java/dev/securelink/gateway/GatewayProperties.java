package dev.securelink.gateway;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings shared by several features: {@code securelink.*}.
 *
 * @param publicBaseUrl the origin customers reach the gateway at; links are built from
 * it, never from Host
 * @param linkDefaultLifetime how long a link lives when the request names no
 * {@code expiresAt}
 * @param linkMaxLifetime the longest {@code expiresAt} accepted
 * @param documents where documents are served ({@link DocumentOrigins})
 */
@Validated
@ConfigurationProperties("securelink")
public record GatewayProperties(@NotNull @DefaultValue("http://localhost:8080") URI publicBaseUrl,
		@NotNull @DefaultValue("30d") Duration linkDefaultLifetime,
		@NotNull @DefaultValue("365d") Duration linkMaxLifetime, @NotNull @DefaultValue Documents documents) {

	/**
	 * {@code securelink.documents.*}.
	 *
	 * @param origin the origin each document is served on, a template whose host begins
	 * with {@code {link}} (such as {@code https://{link}.docs.example.net}): every
	 * document on an origin of its own
	 * @param sharedOrigin the explicit opt-out: every document on the gateway's own
	 * origin, under {@code /d/{linkId}/}, its HTML sandboxed
	 */
	public record Documents(@Nullable String origin, boolean sharedOrigin) {
	}

	/** The public base URL without a trailing slash. */
	public String baseUrl() {
		String url = this.publicBaseUrl.toString();
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

}
