package dev.securelink.gateway.input;

import java.util.regex.Pattern;

/** Tenant ids as the invoicing application names them. */
public final class TenantIds {

	private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

	private TenantIds() {
	}

	public static boolean isValid(String tenantId) {
		return tenantId != null && VALID.matcher(tenantId).matches();
	}

	/**
	 * The tenant id, checked.
	 * @throws BadInputException when the id is outside {@code [A-Za-z0-9._-]{1,64}}
	 */
	public static String requireValid(String tenantId) {
		if (!isValid(tenantId)) {
			throw new BadInputException("tenantId", "must match [A-Za-z0-9._-]{1,64}");
		}
		return tenantId;
	}

}
