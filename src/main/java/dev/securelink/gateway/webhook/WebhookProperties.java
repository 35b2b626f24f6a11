package dev.securelink.gateway.webhook;

import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

import dev.securelink.gateway.OutboxWorker;

/**
 * {@code securelink.webhooks.*}.
 *
 * @param allowPrivateDestinations development only (the demo and the tests): endpoints
 * may use http and point at loopback or private addresses; never set by the chart
 * @param maxEndpointsPerTenant endpoints one tenant may register
 * @param timeout the longest one attempt may take, from resolving the host to the end of
 * the answer's head
 * @param retrySchedule the wait before each attempt of a delivery (the first is usually
 * zero), each spread by up to ±10 %; after the last one fails, the delivery is failed for
 * good (a dead letter)
 * @param disableAfter an endpoint whose deliveries have failed for this long, without a
 * success in between, is disabled
 * @param retention deliveries and their attempts are purged this long after they were
 * created
 * @param pollInterval how often each instance looks for due deliveries
 * @param batchSize deliveries one instance claims per round
 * @param concurrency attempts one instance makes at once
 */
@Validated
@ConfigurationProperties("securelink.webhooks")
record WebhookProperties(@DefaultValue("false") boolean allowPrivateDestinations,
		@Min(1) @DefaultValue("10") int maxEndpointsPerTenant, @NotNull @DefaultValue("15s") Duration timeout,
		@NotNull @Size(min = 1, max = 20) @DefaultValue("0s,5s,5m,30m,2h,5h,10h,10h") List<Duration> retrySchedule,
		@NotNull @DefaultValue("5d") Duration disableAfter, @NotNull @DefaultValue("30d") Duration retention,
		@NotNull @DefaultValue("1s") Duration pollInterval, @Min(1) @DefaultValue("100") int batchSize,
		@Min(1) @DefaultValue("16") int concurrency) {

	/** How the delivery worker goes about it. */
	OutboxWorker.Settings worker() {
		return new OutboxWorker.Settings(this.pollInterval, this.timeout, this.retrySchedule, this.retention,
				this.batchSize, this.concurrency);
	}

}
