package dev.securelink.gateway.admin;

import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * Makes Bean Validation load its message bundles, and the constraint metadata of every
 * body the admin API validates, at start-up. Loaded lazily, the bundles are read from jar
 * files on an event-loop thread by the first invalid request, and the first requests of a
 * fresh instance that meet a body type on two loops at once wait on the validator's
 * metadata lock. (Jackson's own caches are left to fill on first use: their lock is held
 * only while one deserializer is built, and the tests' BlockHound allows exactly that.)
 */
@Component
class ValidatorWarmUp implements SmartInitializingSingleton {

	private final Validator validator;

	private final ObjectProvider<RequestMappingHandlerMapping> handlers;

	ValidatorWarmUp(Validator validator, ObjectProvider<RequestMappingHandlerMapping> handlers) {
		this.validator = validator;
		this.handlers = handlers;
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.validator.validate(new Sample(null));
		this.handlers.orderedStream().forEach((mapping) -> mapping.getHandlerMethods().values().forEach((method) -> {
			for (MethodParameter parameter : method.getMethodParameters()) {
				if (parameter.hasParameterAnnotation(RequestBody.class)) {
					this.validator.getConstraintsForClass(payload(ResolvableType.forMethodParameter(parameter)));
				}
			}
		}));
	}

	/** The body type inside {@code Mono<HttpEntity<…>>} and the like. */
	private static Class<?> payload(ResolvableType type) {
		ResolvableType body = type;
		while (Publisher.class.isAssignableFrom(body.toClass()) || HttpEntity.class.isAssignableFrom(body.toClass())) {
			body = body.getGeneric(0);
		}
		return body.toClass();
	}

	private record Sample(@NotNull @Nullable String value) {
	}

}
