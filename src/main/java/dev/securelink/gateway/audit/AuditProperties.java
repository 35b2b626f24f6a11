package dev.securelink.gateway.audit;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The audit trail's sealing: {@code securelink.audit.*}.
 *
 * @param sealInterval how often each instance looks for events to seal; an event is
 * sealed within about this long (plus the time a burst takes to seal)
 * @param sealBatch events sealed per transaction, so that no sealer holds a tenant's
 * chain for long
 * @param checkpointInterval how often each instance signs a checkpoint of every chain
 * that moved since its last one
 * @param maxOpenedPerLink {@code opened} events recorded per link and hour on each
 * instance (one per session); beyond, they are only counted
 * ({@code securelink.audit.opened.dropped})
 */
@Validated
@ConfigurationProperties("securelink.audit")
public record AuditProperties(@NotNull @DefaultValue("250ms") Duration sealInterval,
		@Min(1) @DefaultValue("500") int sealBatch, @NotNull @DefaultValue("1m") Duration checkpointInterval,
		@Min(1) @DefaultValue("100") int maxOpenedPerLink) {
}
