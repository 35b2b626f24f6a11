package dev.securelink.gateway.input;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.lang.Contract;

/** Tenant ids as the invoicing application names them. */
public final class TenantIds {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private TenantIds() {
	}

	@Contract("null -> false")
	public static boolean isValid(@Nullable String tenantId) {
		return tenantId != null && VALID.matcher(tenantId).matches();
	}

	/**
	 * The tenant id, checked.
	 * @throws BadInputException when the id is outside {@code [A-Za-z0-9._-]{1,64}}
	 */
	public static String requireValid(@Nullable String tenantId) {
		if (!isValid(tenantId)) {
			throw new BadInputException("tenantId", "must match [A-Za-z0-9._-]{1,64}");
		}
		return tenantId;
	}

}
