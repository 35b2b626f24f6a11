package dev.securelink.gateway.web;

import reactor.netty.NettyPipeline;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.i18n.LocaleContextResolver;
import org.springframework.web.server.session.WebSessionManager;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

	/** Framing, read deadlines and security headers for every connection (see {@link EdgeHandler}). */
	@Bean
	NettyServerCustomizer edge(WebProperties properties, SecurityHeaders securityHeaders) {
		return (server) -> server.doOnChannelInit((observer, channel, address) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				EdgeHandler edge = new EdgeHandler(securityHeaders, properties.headerReadTimeout(),
						properties.bodyReadTimeout());
				channel.pipeline().addBefore(NettyPipeline.HttpCodec, "securelinkFirstByte", edge.firstByte());
				channel.pipeline().addAfter(NettyPipeline.HttpCodec, "securelinkEdge", edge);
			}
		});
	}

	/** Replaces WebFlux's session manager under its well-known bean name: no server-side sessions. */
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
