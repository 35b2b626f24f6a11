package dev.securelink.gateway.tracing;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Turns tracing on only when an OTLP endpoint is configured ({@value #ENDPOINT}):
 * otherwise none of Boot's tracing and OpenTelemetry auto-configurations runs, so no
 * tracer, span or tracing handler exists and a request costs exactly what it did without
 * tracing (Boot's no-op tracer stays). Boot's own R2DBC observation and proxy never run:
 * the one would put every query in the metrics too, the other wraps every statement even
 * with no listener, and {@link TracingConfiguration} makes the database spans itself.
 */
public class TracingSwitch implements AutoConfigurationImportFilter, EnvironmentAware {

	/** Where spans are exported; tracing is on when it is set. */
	public static final String ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	private static final String R2DBC_OBSERVATION = "org.springframework.boot.r2dbc.autoconfigure.observation.R2dbcObservationAutoConfiguration";

	/**
	 * Boot's r2dbc-proxy decorator wraps every connection, statement and result in JDK
	 * proxies whether or not anything listens (3.5 % of a first open's samples with
	 * tracing off, #30); {@link TracingConfiguration} decorates with its listener itself.
	 */
	private static final String R2DBC_PROXY = "org.springframework.boot.r2dbc.autoconfigure.R2dbcProxyAutoConfiguration";

	private @Nullable Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public boolean[] match(@Nullable String[] candidates, AutoConfigurationMetadata metadata) {
		boolean on = this.environment != null && on(this.environment);
		boolean[] matches = new boolean[candidates.length];
		for (int i = 0; i < candidates.length; i++) {
			String name = candidates[i];
			matches[i] = name == null
					|| !(R2DBC_OBSERVATION.equals(name) || R2DBC_PROXY.equals(name) || (!on && isTracing(name)));
		}
		return matches;
	}

	/** Whether tracing is on in {@code environment}. */
	public static boolean on(Environment environment) {
		return StringUtils.hasText(environment.getProperty(ENDPOINT));
	}

	private static boolean isTracing(String name) {
		return (name.startsWith("org.springframework.boot.micrometer.tracing.")
				&& !name.endsWith(".NoopTracerAutoConfiguration"))
				|| name.startsWith("org.springframework.boot.opentelemetry.");
	}

}
