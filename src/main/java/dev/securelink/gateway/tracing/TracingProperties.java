package dev.securelink.gateway.tracing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway treats a trace it did not start: {@code securelink.tracing.*}.
 *
 * @param continueIncoming while tracing is on, whether a request's trace context
 * ({@code traceparent}, {@code tracestate}, B3) from a trusted proxy is continued; off,
 * every request starts a trace of its own. A client that is not a trusted proxy never
 * names the trace, and {@code baggage} is never taken from the edge.
 */
@ConfigurationProperties("securelink.tracing")
public record TracingProperties(boolean continueIncoming) {
}
