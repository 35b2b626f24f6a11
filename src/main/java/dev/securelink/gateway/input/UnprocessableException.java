package dev.securelink.gateway.input;

/**
 * A request the admin API refuses with 422: well-formed, but asking for what the tenant's
 * settings do not allow (an organisation audience outside the code mode), naming the
 * field at fault.
 */
public class UnprocessableException extends BadInputException {

	public UnprocessableException(String field, String message) {
		super(field, message);
	}

}
