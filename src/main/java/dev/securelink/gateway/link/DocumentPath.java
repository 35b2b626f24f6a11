package dev.securelink.gateway.link;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

/**
 * An upstream document path that can only ever mean itself: absolute, no dot segments, no
 * empty segments, no encoded separators or dots, no parameters, no control characters, no
 * double encoding.
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

	/** Bean Validation's view of {@link SafePaths#isSafe}. */
	class Validator implements ConstraintValidator<DocumentPath, String> {

		@Override
		public boolean isValid(String path, ConstraintValidatorContext context) {
			return path == null || SafePaths.isSafe(path);
		}

	}

}
