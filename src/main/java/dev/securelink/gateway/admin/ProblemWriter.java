package dev.securelink.gateway.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the admin API's 401 and 403 answers, which Spring Security decides before any
 * controller runs, as RFC 9457 problem details like every other admin error.
 */
@Component
class ProblemWriter implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler {

	private final JsonMapper json;

	ProblemWriter(JsonMapper json) {
		this.json = json;
	}

	@Override
	public Mono<Void> commence(ServerWebExchange exchange, AuthenticationException ex) {
		// RFC 6750: say that a bearer token is expected and, when one was sent, that it
		// was not accepted.
		String challenge = (exchange.getRequest().getHeaders().containsHeader(HttpHeaders.AUTHORIZATION)
				|| ex instanceof InvalidBearerTokenException) ? "Bearer error=\"invalid_token\"" : "Bearer";
		exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, challenge);
		return write(exchange, HttpStatus.UNAUTHORIZED, "A valid bearer token is required.");
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, AccessDeniedException denied) {
		String reason = exchange.getAttribute(AdminAuthorization.DENIAL);
		return write(exchange, HttpStatus.FORBIDDEN, (reason != null) ? reason
				: "The token does not grant this call: its tenant or its scope does not match.");
	}

	private Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String detail) {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", status.getReasonPhrase());
		problem.put("status", status.value());
		problem.put("detail", detail);
		problem.put("instance", exchange.getRequest().getPath().value());
		exchange.getResponse().setStatusCode(status);
		exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		return exchange.getResponse()
			.writeWith(Mono
				.fromCallable(() -> exchange.getResponse().bufferFactory().wrap(this.json.writeValueAsBytes(problem))));
	}

}
