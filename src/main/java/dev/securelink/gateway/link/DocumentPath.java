package dev.securelink.gateway.link;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Locale;
import java.util.regex.Pattern;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * An upstream document path that can only ever mean itself: absolute, no dot segments, no empty segments, no
 * encoded separators or dots, no parameters, no control characters, no double encoding.
 */
@Documented
@Constraint(validatedBy = DocumentPath.Validator.class)
@Target({ ElementType.FIELD, ElementType.RECORD_COMPONENT, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
@interface DocumentPath {

	String message() default "must be an absolute path without '..', '//', '\\', ';', encoded dots, slashes "
			+ "or backslashes, or control characters";

	Class<?>[] groups() default {};

	Class<? extends Payload>[] payload() default {};

	/** The checks, also usable outside Bean Validation. */
	class Validator implements ConstraintValidator<DocumentPath, String> {

		/** RFC 3986 path characters without ';' (parameters) and with '%' only as the start of an escape. */
		private static final Pattern ALLOWED = Pattern.compile("/(?:[A-Za-z0-9._~!$&'()*+,=:@/-]|%[0-9A-Fa-f]{2})*");

		private static final int MAX_LENGTH = 1024;

		@Override
		public boolean isValid(String path, ConstraintValidatorContext context) {
			return path == null || isValidPath(path);
		}

		static boolean isValidPath(String path) {
			if (path.length() > MAX_LENGTH || !ALLOWED.matcher(path).matches()) {
				return false;
			}
			String lower = path.toLowerCase(Locale.ROOT);
			return !lower.contains("..") && !lower.contains("//") && !lower.contains("%2e") && !lower.contains("%2f")
					&& !lower.contains("%5c") && !lower.contains("%25") && !lower.contains("%3b")
					&& !containsEncodedControl(lower);
		}

		private static boolean containsEncodedControl(String lower) {
			for (int i = lower.indexOf('%'); i >= 0; i = lower.indexOf('%', i + 1)) {
				int value = Integer.parseInt(lower.substring(i + 1, i + 3), 16);
				if (value < 0x20 || value == 0x7f) {
					return true;
				}
			}
			return false;
		}

	}

}
