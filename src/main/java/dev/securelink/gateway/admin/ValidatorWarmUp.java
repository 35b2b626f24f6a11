package dev.securelink.gateway.admin;

import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Makes Bean Validation load its message bundles at start-up. Loaded lazily they are read
 * from jar files on an event-loop thread by the first invalid request, which then blocks
 * that loop.
 */
@Component
class ValidatorWarmUp implements SmartInitializingSingleton {

	private final Validator validator;

	ValidatorWarmUp(Validator validator) {
		this.validator = validator;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.validator.validate(new Sample(null));
	}

	private record Sample(@NotNull String value) {
	}

}
