package dev.securelink.gateway.tracing;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The trace-context headers of the propagation formats in use (W3C Trace Context and
 * Baggage, B3, Jaeger, Datadog, AWS X-Ray, Google Cloud, SkyWalking, OpenTracing, Elastic
 * APM, New Relic, Instana): the one list the edge and the proxy hop share. A client's
 * trace context never reaches the document service: the hop sends only the gateway's own,
 * and only while it traces.
 */
public final class TraceHeaders {

	/** The headers Micrometer Tracing reads to continue a trace (W3C, B3). */
	public static final List<String> CONTINUED = List.of("traceparent", "tracestate", "b3", "x-b3-traceid",
			"x-b3-spanid", "x-b3-parentspanid", "x-b3-sampled", "x-b3-flags");

	/** W3C Baggage: never taken from the edge. */
	public static final String BAGGAGE = "baggage";

	private static final Set<String> NAMES = Set.of("traceparent", "tracestate", "baggage", "b3", "uber-trace-id",
			"jaeger-debug-id", "jaeger-baggage", "x-amzn-trace-id", "x-cloud-trace-context", "grpc-trace-bin",
			"elastic-apm-traceparent", "newrelic", "correlation-context", "x-instana-t", "x-instana-s", "x-instana-l");

	private static final List<String> PREFIXES = List.of("x-b3-", "uberctx-", "ot-tracer-", "ot-baggage-", "x-datadog-",
			"sw8");

	private TraceHeaders() {
	}

	/** Whether {@code name} (any case) is a trace-context header of any format. */
	public static boolean isTraceHeader(String name) {
		String lower = name.toLowerCase(Locale.ROOT);
		if (NAMES.contains(lower)) {
			return true;
		}
		for (String prefix : PREFIXES) {
			if (lower.startsWith(prefix)) {
				return true;
			}
		}
		return false;
	}

}
