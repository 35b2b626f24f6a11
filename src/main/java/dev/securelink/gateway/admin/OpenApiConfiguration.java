package dev.securelink.gateway.admin;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The admin API's OpenAPI document at {@code /v3/api-docs}: a bearer JWT on every call.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI adminApi() {
		return new OpenAPI()
			.info(new Info().title("securelink-gateway admin API")
				.version("v1")
				.description("Links and tenant settings for the invoicing application. Scopes: links:read, "
						+ "links:write, settings:write; the token's tenant claim must equal the path's tenant."))
			.components(new Components().addSecuritySchemes("bearer",
					new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")))
			.addSecurityItem(new SecurityRequirement().addList("bearer"));
	}

}
