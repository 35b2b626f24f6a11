package dev.securelink.gateway.admin;

import java.util.LinkedHashMap;
import java.util.Map;

import io.r2dbc.spi.R2dbcDataIntegrityViolationException;
import io.r2dbc.spi.R2dbcException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.NonTransientDataAccessResourceException;
import org.springframework.dao.TransientDataAccessException;
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
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.paths.GatewayPaths;

/**
 * Writes the admin API's 401 and 403 answers, which Spring Security decides before any
 * controller runs, and its 503 for a database that cannot take a request there, as RFC
 * 9457 problem details like every other admin error.
 */
@Component
class ProblemWriter implements ServerAuthenticationEntryPoint, ServerAccessDeniedHandler, WebExceptionHandler, Ordered {

	static final String RETRY_AFTER = "5";

	static final String DATABASE_UNAVAILABLE = "The database cannot take this request right now (unreachable, or "
			+ "read-only during a failover). Nothing was changed; retry later.";

	private static final Log logger = LogFactory.getLog(ProblemWriter.class);

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

	/**
	 * A database that cannot take the request (unreachable, read-only during a failover,
	 * out of connections) where Spring Security's filters met it, before any controller
	 * (the tenant's principals, support access): the same 503 as
	 * {@link AdminProblemHandler} answers, never Boot's 500.
	 */
	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		if (!exchange.getRequest().getPath().value().startsWith(GatewayPaths.ADMIN) || !databaseUnavailable(ex)
				|| exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		logger.warn("Admin request answered 503, the database could not take it: " + describe(ex));
		exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, RETRY_AFTER);
		return write(exchange, HttpStatus.SERVICE_UNAVAILABLE, DATABASE_UNAVAILABLE);
	}

	/** Before Boot's error handler (order -1). */
	@Override
	public int getOrder() {
		return -2;
	}

	/**
	 * Whether {@code ex} says the database cannot take a request now (unreachable,
	 * read-only, out of connections, a statement that ran past its timeout): not a
	 * constraint it refused ({@link #refusedByTheDatabase}).
	 */
	static boolean databaseUnavailable(Throwable ex) {
		if (refusedByTheDatabase(ex) != null) {
			return false;
		}
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataAccessResourceFailureException || cause instanceof TransientDataAccessException
					|| cause instanceof NonTransientDataAccessResourceException || cause instanceof R2dbcException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The 4xx a database's refusal of the request's data is: 409 for a constraint it
	 * breaks (SQLSTATE class 23: a duplicate, a missing reference, a check), 400 for a
	 * value it cannot take (class 22: too long, out of range, malformed); null for
	 * anything else.
	 */
	static @Nullable HttpStatus refusedByTheDatabase(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof DataIntegrityViolationException
					|| cause instanceof R2dbcDataIntegrityViolationException) {
				return HttpStatus.CONFLICT;
			}
			if (cause instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
				String state = r2dbc.getSqlState();
				return state.startsWith("23") ? HttpStatus.CONFLICT
						: state.startsWith("22") ? HttpStatus.BAD_REQUEST : null;
			}
		}
		return null;
	}

	/** The exception's class and, when the database gave one, its SQLSTATE. */
	static String describe(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (cause instanceof R2dbcException r2dbc && r2dbc.getSqlState() != null) {
				return ex.getClass().getSimpleName() + " (SQLSTATE " + r2dbc.getSqlState() + ")";
			}
		}
		return ex.getClass().getSimpleName();
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
