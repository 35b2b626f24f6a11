package dev.securelink.gateway;

import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.securelink.gateway.database.MissingConfigurationException;

/** Beans every feature shares. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

	private static final Log logger = LogFactory.getLog(GatewayConfiguration.class);

	/** Every decision about time asks this clock, so tests can move it. */
	@Bean
	Clock clock() {
		return Clock.systemUTC();
	}

	/**
	 * Where documents are served: an origin each ({@code securelink.documents.origin},
	 * which the demo sets to {@code {link}.localhost}); on the gateway's own origin,
	 * sandboxed, only when {@code securelink.documents.shared-origin=true} says so;
	 * production without either does not start. The gauge
	 * {@code securelink.documents.shared.origin} is 1 in the shared mode.
	 */
	@Bean
	DocumentOrigins documentOrigins(GatewayProperties properties, MeterRegistry meters) {
		GatewayProperties.Documents documents = properties.documents();
		String origin = documents.origin();
		DocumentOrigins origins;
		if (origin != null && !origin.isBlank()) {
			if (documents.sharedOrigin()) {
				throw new IllegalStateException("securelink.documents.origin and securelink.documents.shared-origin="
						+ "true contradict each other: set one of them");
			}
			origins = DocumentOrigins.of(origin, properties.publicBaseUrl());
		}
		else if (documents.sharedOrigin()) {
			logger.warn("securelink.documents.shared-origin=true: every document is served on the gateway's own "
					+ "origin, its HTML sandboxed; set securelink.documents.origin to give each its own origin");
			origins = DocumentOrigins.shared();
		}
		else {
			throw new MissingConfigurationException(
					"Documents need an origin of their own, so that no document's script reaches another's.",
					List.of("securelink.documents.origin (SECURELINK_DOCUMENTS_ORIGIN), a wildcard template such as "
							+ "https://{link}.docs.example.net"),
					"Point a wildcard DNS name and certificate at the gateway and configure it (docs/operations.md), "
							+ "or set SECURELINK_DOCUMENTS_SHARED_ORIGIN=true to serve every document on the "
							+ "gateway's own origin, sandboxed.");
		}
		Gauge.builder("securelink.documents.shared.origin", () -> origins.separate() ? 0 : 1)
			.description("1 when every document is served on the gateway's own origin "
					+ "(securelink.documents.shared-origin)")
			.register(meters);
		return origins;
	}

}
