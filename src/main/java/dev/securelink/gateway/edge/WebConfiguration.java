package dev.securelink.gateway.edge;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.i18n.LocaleContextResolver;
import org.springframework.web.server.session.WebSessionManager;
import reactor.netty.NettyPipeline;

import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageLocales;
import dev.securelink.gateway.tracing.Tracing;
import dev.securelink.gateway.tracing.TracingProperties;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

	/**
	 * Framing, read deadlines and security headers for every connection (see
	 * {@link EdgeHandler}).
	 */
	@Bean
	NettyServerCustomizer edge(WebProperties properties, SecurityHeaders securityHeaders, Drain drain,
			UntrustedPeers untrustedPeers, Tracing tracing, TracingProperties tracingProperties, ClientAddress clients,
			MessagePages pages) {
		UntrustedPeers observed = properties.trustedProxies().isEmpty() ? untrustedPeers : null;
		// An incoming trace is continued only when asked for, and only from a trusted
		// proxy: no client names the trace a request belongs to.
		RequestPeers peers = new RequestPeers(observed, tracing.on(),
				(tracing.on() && tracingProperties.continueIncoming()) ? clients : null);
		return (server) -> server.doOnChannelInit((observer, channel, address) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				EdgeHandler edge = new EdgeHandler(securityHeaders, drain, peers, pages, properties.headerReadTimeout(),
						properties.bodyReadTimeout());
				channel.pipeline().addBefore(NettyPipeline.HttpCodec, "securelinkFirstByte", edge.firstByte());
				channel.pipeline().addAfter(NettyPipeline.HttpCodec, "securelinkEdge", edge);
			}
		});
	}

	/**
	 * Warns once a minute when the gateway looks like it runs behind a proxy nobody
	 * declared.
	 */
	@Bean
	UntrustedPeers untrustedPeers(MeterRegistry meters) {
		return new UntrustedPeers(meters, Duration.ofMinutes(1));
	}

	/**
	 * Replaces WebFlux's session manager under its well-known bean name: no server-side
	 * sessions.
	 */
	@Bean(name = "webSessionManager")
	WebSessionManager webSessionManager() {
		return new NoWebSessions();
	}

	/** Replaces WebFlux's Accept-Language resolver under its well-known bean name. */
	@Bean(name = "localeContextResolver")
	LocaleContextResolver localeContextResolver() {
		return new PageLocales();
	}

}
