package dev.securelink.gateway.privacy;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Retention: {@code securelink.retention.*}.
 *
 * @param days links, their counters and events are purged this long after the link
 * expired
 * @param interval how often the purge looks for work
 * @param batchSize links purged per transaction, so no purge holds locks for long
 */
@Validated
@ConfigurationProperties("securelink.retention")
public record RetentionProperties(@Min(1) @DefaultValue("365") int days,
		@NotNull @DefaultValue("10m") Duration interval, @Min(1) @DefaultValue("200") int batchSize) {
}
