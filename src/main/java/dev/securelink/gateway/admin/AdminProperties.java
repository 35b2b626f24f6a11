package dev.securelink.gateway.admin;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code securelink.admin.*}.
 *
 * @param issuer the {@code iss} admin tokens must carry; defaults to
 * {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}
 * @param port the admin API's own listener ({@link AdminListener}); unset: the public
 * port serves it too
 */
@ConfigurationProperties("securelink.admin")
record AdminProperties(String issuer, Integer port) {
}
