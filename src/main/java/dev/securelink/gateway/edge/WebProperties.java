package dev.securelink.gateway.edge;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The public listener: {@code securelink.*}.
 *
 * @param trustedProxies CIDRs of the proxies (ingress, load balancer) whose
 * {@code X-Forwarded-For} is believed
 * @param headerReadTimeout how long a connection may take to send a complete request head
 * @param bodyReadTimeout how long a request body may stop arriving before the request is
 * answered 408
 * @param drainTime on shutdown (SIGTERM), how long the gateway keeps answering, with
 * readiness down and {@code Connection: close} on every answer, before it stops accepting
 * requests and waits for those in flight
 */
@ConfigurationProperties("securelink")
public record WebProperties(@DefaultValue List<String> trustedProxies, @DefaultValue("10s") Duration headerReadTimeout,
		@DefaultValue("15s") Duration bodyReadTimeout, @DefaultValue("5s") Duration drainTime) {
}
