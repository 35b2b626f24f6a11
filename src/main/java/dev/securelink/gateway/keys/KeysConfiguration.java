package dev.securelink.gateway.keys;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class KeysConfiguration {

	@Bean
	GatewayKeys gatewayKeys(KeysProperties properties) {
		return GatewayKeys.from(properties);
	}

}
