package dev.securelink.gateway.admin;

import java.util.List;

import jakarta.validation.Validator;
import org.reactivestreams.Publisher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.http.HttpEntity;
import org.springframework.http.codec.AbstractJacksonDecoder;
import org.springframework.http.codec.AbstractJacksonEncoder;
import org.springframework.http.codec.DecoderHttpMessageReader;
import org.springframework.http.codec.EncoderHttpMessageWriter;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.ObjectMapper;

/**
 * Builds Jackson's deserializers and serializers for every JSON body the admin API reads
 * or writes at start-up, in the mappers WebFlux's codecs use, and Bean Validation's
 * metadata of every body it validates. Built lazily, the first requests of a fresh
 * instance that meet a type at the same time on two event loops wait on Jackson's cache
 * lock or Hibernate Validator's metadata lock, blocking a loop (BlockHound caught both
 * when the demo created its two links in parallel right after starting).
 */
@Component
class JsonWarmUp implements SmartInitializingSingleton {

	private final ServerCodecConfigurer codecs;

	private final ObjectProvider<RequestMappingHandlerMapping> handlers;

	private final Validator validator;

	JsonWarmUp(ServerCodecConfigurer codecs, ObjectProvider<RequestMappingHandlerMapping> handlers,
			Validator validator) {
		this.codecs = codecs;
		this.validator = validator;
		this.handlers = handlers;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<ObjectMapper> readers = this.codecs.getReaders()
			.stream()
			.filter(DecoderHttpMessageReader.class::isInstance)
			.map((reader) -> ((DecoderHttpMessageReader<?>) reader).getDecoder())
			.filter(AbstractJacksonDecoder.class::isInstance)
			.map((decoder) -> (ObjectMapper) ((AbstractJacksonDecoder<?>) decoder).getMapper())
			.toList();
		List<ObjectMapper> writers = this.codecs.getWriters()
			.stream()
			.filter(EncoderHttpMessageWriter.class::isInstance)
			.map((writer) -> ((EncoderHttpMessageWriter<?>) writer).getEncoder())
			.filter(AbstractJacksonEncoder.class::isInstance)
			.map((encoder) -> (ObjectMapper) ((AbstractJacksonEncoder<?>) encoder).getMapper())
			.toList();
		this.handlers.orderedStream().forEach((mapping) -> mapping.getHandlerMethods().values().forEach((method) -> {
			for (MethodParameter parameter : method.getMethodParameters()) {
				if (parameter.hasParameterAnnotation(RequestBody.class)) {
					ResolvableType body = payload(ResolvableType.forMethodParameter(parameter));
					readers.forEach((mapper) -> mapper.readerFor(mapper.constructType(body.getType())));
					this.validator.getConstraintsForClass(body.toClass());
				}
			}
			ResolvableType answer = payload(ResolvableType.forMethodReturnType(method.getMethod()));
			if (answer.toClass() != Void.class && answer.toClass() != Object.class) {
				writers.forEach((mapper) -> mapper.writerFor(mapper.constructType(answer.getType())));
			}
		}));
	}

	/** The body type inside {@code Mono<ResponseEntity<…>>} and the like. */
	private static ResolvableType payload(ResolvableType type) {
		ResolvableType body = type;
		while (Publisher.class.isAssignableFrom(body.toClass()) || HttpEntity.class.isAssignableFrom(body.toClass())) {
			body = body.getGeneric(0);
		}
		return body;
	}

}
