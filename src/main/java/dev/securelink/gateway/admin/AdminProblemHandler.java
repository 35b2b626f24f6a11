package dev.securelink.gateway.admin;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.r2dbc.spi.R2dbcException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.NonTransientDataAccessResourceException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;

import dev.securelink.gateway.input.BadInputException;
import dev.securelink.gateway.input.ConflictException;
import dev.securelink.gateway.input.UnprocessableException;

/**
 * The one error handler of the admin API: every error is an RFC 9457 problem detail;
 * input errors name the field in {@code errors[].field}. Messages never echo the rejected
 * value, which may be an address.
 */
@RestControllerAdvice
class AdminProblemHandler extends ResponseEntityExceptionHandler {

	private static final Log logger = LogFactory.getLog(AdminProblemHandler.class);

	static final String MAX_BODY = "64 KB";

	@ExceptionHandler(BadInputException.class)
	Mono<ResponseEntity<Object>> badInput(BadInputException ex, ServerWebExchange exchange) {
		return invalid(List.of(new FieldProblem(ex.field(), ex.getMessage())), ex, exchange);
	}

	/** 409 naming the field whose value conflicts with what is stored. */
	@ExceptionHandler(ConflictException.class)
	Mono<ResponseEntity<Object>> conflict(ConflictException ex, ServerWebExchange exchange) {
		return fieldProblem(HttpStatus.CONFLICT, "Conflict", ex, exchange);
	}

	/**
	 * 422 naming the field that asks for what the tenant's settings do not allow.
	 */
	@ExceptionHandler(UnprocessableException.class)
	Mono<ResponseEntity<Object>> unprocessable(UnprocessableException ex, ServerWebExchange exchange) {
		return fieldProblem(HttpStatus.UNPROCESSABLE_CONTENT, "Unprocessable Content", ex, exchange);
	}

	private Mono<ResponseEntity<Object>> fieldProblem(HttpStatus status, String title, BadInputException ex,
			ServerWebExchange exchange) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.field() + " " + ex.getMessage());
		problem.setTitle(title);
		problem.setProperty("errors", List.of(Map.of("field", ex.field(), "message", ex.getMessage())));
		return handleExceptionInternal(ex, problem, null, status, exchange);
	}

	@ExceptionHandler(DataBufferLimitException.class)
	Mono<ResponseEntity<Object>> tooLarge(DataBufferLimitException ex, ServerWebExchange exchange) {
		return payloadTooLarge(ex, exchange);
	}

	/**
	 * The database cannot take the request now (unreachable, read-only during a failover,
	 * out of connections): 503 with Retry-After, so that the caller retries, rather than
	 * a 500 that says the request was wrong.
	 */
	@ExceptionHandler({ DataAccessResourceFailureException.class, TransientDataAccessException.class,
			NonTransientDataAccessResourceException.class, R2dbcException.class,
			DataIntegrityViolationException.class })
	Mono<ResponseEntity<Object>> database(Exception ex, ServerWebExchange exchange) {
		HttpStatus refused = ProblemWriter.refusedByTheDatabase(ex);
		if (refused != null) {
			// The request's data, not the database's state: retrying it the same way
			// would fail the same way.
			logger.info("Admin request refused by a database constraint: " + ProblemWriter.describe(ex));
			return handleExceptionInternal(ex,
					ProblemDetail.forStatusAndDetail(refused,
							(refused == HttpStatus.CONFLICT) ? "The request conflicts with data already stored."
									: "The database cannot store a value of this request as given."),
					null, refused, exchange);
		}
		return databaseUnavailable(ex, exchange);
	}

	private Mono<ResponseEntity<Object>> databaseUnavailable(Exception ex, ServerWebExchange exchange) {
		logger.warn("Admin request answered 503, the database could not take it: " + ProblemWriter.describe(ex));
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				ProblemWriter.DATABASE_UNAVAILABLE);
		HttpHeaders headers = new HttpHeaders();
		headers.set(HttpHeaders.RETRY_AFTER, ProblemWriter.RETRY_AFTER);
		return handleExceptionInternal(ex, problem, headers, HttpStatus.SERVICE_UNAVAILABLE, exchange);
	}

	@ExceptionHandler(Exception.class)
	Mono<ResponseEntity<Object>> unexpected(Exception ex, ServerWebExchange exchange) {
		if (ProblemWriter.databaseUnavailable(ex) || ProblemWriter.refusedByTheDatabase(ex) != null) {
			return database(ex, exchange);
		}
		logger.error(
				"Admin request failed: " + exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath(),
				ex);
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
				"The request could not be completed.");
		return handleExceptionInternal(ex, problem, null, HttpStatus.INTERNAL_SERVER_ERROR, exchange);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		List<FieldProblem> problems = ex.getFieldErrors()
			.stream()
			.map((error) -> new FieldProblem(error.getField(), error.getDefaultMessage()))
			.toList();
		return invalid(problems, ex, exchange);
	}

	@Override
	protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex,
			HttpHeaders headers, HttpStatusCode status, ServerWebExchange exchange) {
		if (causedBy(ex, DataBufferLimitException.class) != null) {
			return payloadTooLarge(ex, exchange);
		}
		JacksonException json = causedBy(ex, JacksonException.class);
		if (json != null && !json.getPath().isEmpty()) {
			String field = json.getPath()
				.stream()
				.map((ref) -> (ref.getPropertyName() != null) ? "." + ref.getPropertyName()
						: "[" + ref.getIndex() + "]")
				.collect(Collectors.joining())
				.substring(1);
			return invalid(List.of(new FieldProblem(field, "has an invalid value")), ex, exchange);
		}
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				(json != null) ? "The body is not valid JSON." : "The request is malformed.");
		return handleExceptionInternal(ex, problem, null, HttpStatus.BAD_REQUEST, exchange);
	}

	private Mono<ResponseEntity<Object>> invalid(List<FieldProblem> problems, Exception ex,
			ServerWebExchange exchange) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				problems.stream().map((p) -> p.field() + " " + p.message()).collect(Collectors.joining("; ")));
		problem.setTitle("Invalid request");
		problem.setProperty("errors",
				problems.stream().map((p) -> Map.of("field", p.field(), "message", p.message())).toList());
		return handleExceptionInternal(ex, problem, null, HttpStatus.BAD_REQUEST, exchange);
	}

	private Mono<ResponseEntity<Object>> payloadTooLarge(Exception ex, ServerWebExchange exchange) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
				"The body is larger than " + MAX_BODY + ".");
		return handleExceptionInternal(ex, problem, null, HttpStatus.CONTENT_TOO_LARGE, exchange);
	}

	private static <T extends Throwable> @Nullable T causedBy(Throwable ex, Class<T> type) {
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			if (type.isInstance(cause)) {
				return type.cast(cause);
			}
		}
		return null;
	}

	private record FieldProblem(String field, @Nullable String message) {
	}

}
