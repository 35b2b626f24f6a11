package dev.securelink.gateway.admin;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.HttpHandler;

/** The admin listener, when {@code securelink.admin.port} is set. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty("securelink.admin.port")
class AdminListenerConfiguration {

	@Bean
	AdminListener adminListener(AdminProperties properties, ObjectProvider<HttpHandler> httpHandler,
			ObjectProvider<NettyServerCustomizer> customizers) {
		return new AdminListener(properties.port(), httpHandler, customizers.orderedStream().toList());
	}

}
