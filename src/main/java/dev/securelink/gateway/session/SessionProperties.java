package dev.securelink.gateway.session;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Document sessions: {@code securelink.session.*}.
 *
 * @param idleTimeout a session unused this long is over
 * @param absoluteTimeout a session is over this long after it was issued, however busy
 * @param maxPerBrowser how many document sessions one browser keeps; the oldest go first,
 * so the gateway's cookies stay well under 4 KB
 */
@Validated
@ConfigurationProperties("securelink.session")
public record SessionProperties(@NotNull @DefaultValue("30m") Duration idleTimeout,
		@NotNull @DefaultValue("12h") Duration absoluteTimeout, @Min(1) @Max(8) @DefaultValue("8") int maxPerBrowser) {
}
