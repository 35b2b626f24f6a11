package dev.securelink.gateway.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.jwk.JWKSet;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.securelink.gateway.audit.AuditCheckpoints;
import dev.securelink.gateway.paths.GatewayPaths;

/**
 * {@code /.well-known/jwks.json}: the public keys the upstream verifies the gateway's
 * assertions with, and anyone a tenant's audit checkpoints with.
 */
@Configuration(proxyBeanMethods = false)
class JwksRoutes {

	@Bean
	RouterFunction<ServerResponse> jwksRoute(Assertions assertions, AuditCheckpoints checkpoints) {
		// Public parts only; each key under its own kid, the assertion key first.
		Map<String, Object> jwks = new JWKSet(List.of(assertions.publicKey(), checkpoints.publicKey()))
			.toJSONObject(true);
		return RouterFunctions.route()
			.GET(GatewayPaths.JWKS,
					(request) -> ServerResponse.ok()
						.contentType(MediaType.APPLICATION_JSON)
						.cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
						.bodyValue(jwks))
			.build();
	}

}
