package dev.securelink.gateway.edge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.paths.GatewayPaths;

/**
 * {@code /_gw/*}: the gateway's own assets (its stylesheet), read from
 * {@code classpath:/static/} once at start-up and served from memory, cacheable for an
 * hour. Spring's resource handler would open and read the file (from the jar, through
 * blocking streams) on an event-loop thread for every request.
 */
@Configuration(proxyBeanMethods = false)
class StaticAssets {

	private static final CacheControl CACHING = CacheControl.maxAge(Duration.ofHours(1));

	@Bean
	RouterFunction<ServerResponse> assetRoutes() {
		Map<String, Asset> assets = load();
		return RouterFunctions.route().GET(GatewayPaths.ASSET_ROUTE, (request) -> serve(assets, request)).build();
	}

	private record Asset(MediaType type, byte[] content) {
	}

	private static Mono<ServerResponse> serve(Map<String, Asset> assets, ServerRequest request) {
		Asset asset = assets.get(request.pathVariable("name"));
		if (asset == null) {
			return ServerResponse.notFound().build();
		}
		return ServerResponse.ok().contentType(asset.type()).cacheControl(CACHING).bodyValue(asset.content());
	}

	private static Map<String, Asset> load() {
		Map<String, Asset> assets = new HashMap<>();
		try {
			for (Resource resource : new PathMatchingResourcePatternResolver().getResources("classpath:/static/*")) {
				String name = resource.getFilename();
				if (name != null && resource.isReadable()) {
					assets.put(name,
							new Asset(MediaTypeFactory.getMediaType(name).orElse(MediaType.APPLICATION_OCTET_STREAM),
									resource.getContentAsByteArray()));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the gateway's assets", ex);
		}
		return Map.copyOf(assets);
	}

}
