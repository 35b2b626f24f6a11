package dev.securelink.gateway.input;

/** A request the admin API refuses with 400, naming the field at fault. */
public class BadInputException extends RuntimeException {

	private final String field;

	public BadInputException(String field, String message) {
		super(message);
		this.field = field;
	}

	public String field() {
		return this.field;
	}

}
