package dev.securelink.gateway.tracing;

import io.micrometer.common.KeyValues;
import io.r2dbc.proxy.ProxyConnectionFactory;
import io.r2dbc.proxy.observation.ObservationProxyExecutionListener;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;

/**
 * What tracing adds while it is on ({@link TracingSwitch}): WebFlux's request spans named
 * by route template, and a span for each database call made within a traced request.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(TracingSwitch.ENDPOINT)
class TracingConfiguration {

	/**
	 * WebFlux's request observation, its metric unchanged: the span is named {@code GET
	 * /l/{code}} (the route template, OpenTelemetry's convention), and the request's own
	 * path, which holds the code, is not one of its attributes.
	 */
	@Bean
	ServerRequestObservationConvention routeNamedServerRequests() {
		return new DefaultServerRequestObservationConvention() {

			@Override
			public String getContextualName(ServerRequestObservationContext context) {
				org.springframework.http.server.reactive.ServerHttpRequest request = context.getCarrier();
				String method = (request != null) ? request.getMethod().name() : "HTTP";
				String route = context.getPathPattern();
				return (route != null) ? method + " " + route : method;
			}

			@Override
			public KeyValues getHighCardinalityKeyValues(ServerRequestObservationContext context) {
				return KeyValues.empty();
			}

		};
	}

	/**
	 * Each statement as a client span under the request's span (none outside a traced
	 * request): its SQL with bind markers, never the values bound.
	 */
	@Bean
	ConnectionFactoryDecorator tracedStatements(Tracing tracing, Environment environment) {
		String host = "postgresql";
		Integer port = null;
		try {
			ConnectionFactoryOptions options = ConnectionFactoryOptions
				.parse(environment.getRequiredProperty("spring.r2dbc.url"));
			Object configured = options.getValue(ConnectionFactoryOptions.HOST);
			host = (configured != null) ? configured.toString() : host;
			Object number = options.getValue(ConnectionFactoryOptions.PORT);
			port = (number instanceof Integer given) ? given : null;
		}
		catch (IllegalArgumentException | IllegalStateException ex) {
			// A URL the spans cannot name a server from: they say "postgresql".
		}
		String server = host;
		Integer serverPort = port;
		return (connectionFactory) -> ProxyConnectionFactory.builder(connectionFactory)
			.listener(new ObservationProxyExecutionListener(tracing.registry(), connectionFactory, server, serverPort))
			.build();
	}

}
