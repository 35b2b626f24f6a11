package dev.securelink.gateway.webhook;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code securelink.webhooks.*}.
 *
 * @param allowPrivateDestinations development only (the demo and the tests): endpoints
 * may use http and point at loopback or private addresses; never set by the chart
 * @param maxEndpointsPerTenant endpoints one tenant may register
 */
@Validated
@ConfigurationProperties("securelink.webhooks")
record WebhookProperties(@DefaultValue("false") boolean allowPrivateDestinations,
		@Min(1) @DefaultValue("10") int maxEndpointsPerTenant) {
}
