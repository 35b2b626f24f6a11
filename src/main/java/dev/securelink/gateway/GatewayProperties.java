package dev.securelink.gateway;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotNull;
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
 */
@Validated
@ConfigurationProperties("securelink")
public record GatewayProperties(@NotNull @DefaultValue("http://localhost:8080") URI publicBaseUrl,
		@NotNull @DefaultValue("30d") Duration linkDefaultLifetime,
		@NotNull @DefaultValue("365d") Duration linkMaxLifetime) {

	/** The public base URL without a trailing slash. */
	public String baseUrl() {
		String url = this.publicBaseUrl.toString();
		return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
	}

}
