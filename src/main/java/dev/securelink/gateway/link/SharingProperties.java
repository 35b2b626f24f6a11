package dev.securelink.gateway.link;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code securelink.sharing.*}: how far and how many a recipient may share.
 *
 * @param maxDepth how many levels of sharing: 1 lets a named recipient share but not the
 * colleague (the default), up to 3
 * @param maxAdded how many people sharing may add to one link, removed ones not counted
 * (default 5, up to 50)
 */
@Validated
@ConfigurationProperties("securelink.sharing")
record SharingProperties(@DefaultValue("1") @Min(1) @Max(3) int maxDepth,
		@DefaultValue("5") @Min(1) @Max(50) int maxAdded) {
}
