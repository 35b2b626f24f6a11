package dev.securelink.gateway.proxy;

import java.time.Duration;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.securelink.gateway.web.GatewayPaths;

/**
 * {@code /.well-known/jwks.json}: the public key the upstream verifies the gateway's
 * assertions with.
 */
@Configuration(proxyBeanMethods = false)
class JwksRoutes {

	@Bean
	RouterFunction<ServerResponse> jwksRoute(Assertions assertions) {
		return RouterFunctions.route()
			.GET(GatewayPaths.JWKS,
					(request) -> ServerResponse.ok()
						.contentType(MediaType.APPLICATION_JSON)
						.cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
						.bodyValue(assertions.jwks()))
			.build();
	}

}
