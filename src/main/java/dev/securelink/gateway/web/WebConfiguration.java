package dev.securelink.gateway.web;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.server.i18n.LocaleContextResolver;

@Configuration(proxyBeanMethods = false)
class WebConfiguration {

	/** Replaces WebFlux's Accept-Language resolver under its well-known bean name. */
	@Bean(name = "localeContextResolver")
	LocaleContextResolver localeContextResolver() {
		return new PageLocales();
	}

}
