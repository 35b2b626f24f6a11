package dev.securelink.gateway.edge;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.paths.RequestPaths;
import dev.securelink.gateway.tracing.Tracing;

/**
 * One line per request on the {@code securelink.access} logger. The path of a link is
 * never logged as it came: any spelling of {@code /l/{code}}
 * ({@link RequestPaths#isLink}) is written as {@code /l/~<linkId>} once the code is
 * resolved (or {@code /l/~unknown}), followed only by a known action; other paths outside
 * the admin API have every segment long enough to hold a code replaced by {@code ~}.
 * Query strings are left out, and no header, cookie or body is ever logged.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
@ConditionalOnProperty(name = "securelink.access-log", havingValue = "true", matchIfMissing = true)
public class AccessLogFilter implements WebFilter {

	/** Exchange attribute under which the link flow names the link a code resolved to. */
	public static final String LINK_ID = AccessLogFilter.class.getName() + ".linkId";

	private static final Log logger = LogFactory.getLog("securelink.access");

	/** The MDC key of the trace id, Micrometer Tracing's. */
	private static final String TRACE_ID = "traceId";

	private final Tracing tracing;

	AccessLogFilter(Tracing tracing) {
		this.tracing = tracing;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!logger.isInfoEnabled()) {
			return chain.filter(exchange);
		}
		long start = System.nanoTime();
		return chain.filter(exchange).doFinally((signal) -> {
			HttpStatusCode status = exchange.getResponse().getStatusCode();
			String traceId = this.tracing.on() ? ServerRequestObservationContext.findCurrent(exchange.getAttributes())
				.map(Tracing::traceId)
				.orElse(null) : null;
			record(exchange.getRequest().getMethod().name(), loggablePath(exchange),
					(status != null) ? status.value() : 0, start, traceId);
		});
	}

	/**
	 * Logs one request that was answered outside WebFlux (the document route), in the
	 * same format; {@code path} must already be loggable.
	 * @param traceId the request's sampled trace, or null: it ends the line and is the
	 * {@code traceId} of the JSON logs
	 */
	public void record(String method, String path, int status, long startNanos, @Nullable String traceId) {
		if (!logger.isInfoEnabled()) {
			return;
		}
		String line = method + " " + path + " " + status + " " + (System.nanoTime() - startNanos) / 1_000_000 + "ms";
		if (traceId == null) {
			logger.info(line);
			return;
		}
		try (MDC.MDCCloseable trace = MDC.putCloseable(TRACE_ID, traceId)) {
			logger.info(line + " trace=" + traceId);
		}
	}

	static String loggablePath(ServerWebExchange exchange) {
		String path = exchange.getRequest().getPath().value();
		if (RequestPaths.isLink(path)) {
			String linkId = exchange.getAttribute(LINK_ID);
			Map<String, String> variables = exchange.getAttribute(RouterFunctions.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
			String action = (variables != null) ? variables.get("action") : null;
			return GatewayPaths.LINK + "~" + ((linkId != null) ? linkId : "unknown")
					+ (("sign".equals(action) || "pay".equals(action)) ? "/" + action : "");
		}
		// The admin API's ids are not secrets, and its callers hold a token, not a code.
		return RequestPaths.isAdmin(path) ? path : RequestPaths.redacted(path);
	}

}
