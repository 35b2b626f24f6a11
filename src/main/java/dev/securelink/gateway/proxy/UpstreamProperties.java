package dev.securelink.gateway.proxy;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The document service behind the gateway: {@code securelink.upstream.*}.
 *
 * @param url where documents live; a link's document path is appended to it
 * @param allowedRedirectHosts hosts an upstream redirect may leave for (payment
 * providers); others are 502
 * @param signPaths document-relative paths (prefix, as {@code /sign/**}) whose non-GET
 * requests need {@code sign}
 * @param payPaths the same for {@code pay}
 * @param maxIdleTime pooled connections are closed after this idle time, before common
 * load-balancer timeouts
 * @param maxConnections pooled connections to the upstream, for all sessions together
 * @param maxPendingAcquires requests that may wait for a pooled connection; beyond, 503
 * at once
 * @param acquireTimeout how long a request waits for a pooled connection before its 504
 * @param maxConnectionsPerSession upstream exchanges one session may have under way at
 * once; beyond, 429
 * @param idempotencyTtl how long a sign or pay submission's Idempotency-Key is remembered
 */
@Validated
@ConfigurationProperties("securelink.upstream")
public record UpstreamProperties(URI url, @NotNull @DefaultValue("2s") Duration connectTimeout,
		@NotNull @DefaultValue("30s") Duration responseTimeout, @DefaultValue List<String> allowedRedirectHosts,
		@NotNull @DefaultValue("/sign/**") List<String> signPaths,
		@NotNull @DefaultValue("/pay/**") List<String> payPaths, @NotNull @DefaultValue("10MB") DataSize maxBodySize,
		@NotNull @DefaultValue("20s") Duration maxIdleTime, @NotNull @DefaultValue("5m") Duration maxLifeTime,
		@Min(1) @DefaultValue("500") int maxConnections, @Min(1) @DefaultValue("1000") int maxPendingAcquires,
		@NotNull @DefaultValue("5s") Duration acquireTimeout, @Min(1) @DefaultValue("8") int maxConnectionsPerSession,
		@NotNull @DefaultValue("24h") Duration idempotencyTtl) {
}
