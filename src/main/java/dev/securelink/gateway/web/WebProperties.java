package dev.securelink.gateway.web;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The public listener: {@code securelink.*}.
 *
 * @param trustedProxies CIDRs of the proxies (ingress, load balancer) whose {@code X-Forwarded-For} is believed
 */
@ConfigurationProperties("securelink")
public record WebProperties(@DefaultValue List<String> trustedProxies) {
}
