package dev.securelink.gateway.web;

import reactor.netty.NettyPipeline;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.i18n.LocaleContextResolver;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

	/** The public listener closes connections that dribble their request head (see {@link HeaderReadDeadline}). */
	@Bean
	NettyServerCustomizer headerReadDeadline(WebProperties properties) {
		return (server) -> server.doOnChannelInit((observer, channel, address) -> {
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				HeaderReadDeadline deadline = new HeaderReadDeadline(properties.headerReadTimeout());
				channel.pipeline().addBefore(NettyPipeline.HttpCodec, "securelinkFirstByte", deadline.firstByte());
				channel.pipeline().addAfter(NettyPipeline.HttpCodec, "securelinkHeaderDeadline", deadline);
			}
		});
	}

	/** Replaces WebFlux's Accept-Language resolver under its well-known bean name. */
	@Bean(name = "localeContextResolver")
	LocaleContextResolver localeContextResolver() {
		return new PageLocales();
	}

}
