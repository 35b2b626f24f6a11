package dev.securelink.gateway.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The rows of {@code docs/behaviour.md} a test shows, so that the table and the tests can
 * be read side by side. {@code BehaviourRowsTests} checks that every row has a test and
 * every tag a row.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Behaviour {

	/** Row numbers, as the table writes them ({@code "12a"}). */
	String[] value();

}
