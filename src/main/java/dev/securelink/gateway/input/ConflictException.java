package dev.securelink.gateway.input;

/**
 * A request the admin API refuses with 409: it conflicts with what is stored (another
 * tenant's host, a limit reached), naming the field at fault.
 */
public class ConflictException extends BadInputException {

	public ConflictException(String field, String message) {
		super(field, message);
	}

}
