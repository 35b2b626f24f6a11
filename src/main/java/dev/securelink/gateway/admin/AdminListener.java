package dev.securelink.gateway.admin;

import java.time.Duration;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.ReactorHttpHandlerAdapter;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

import dev.securelink.gateway.paths.RequestPaths;

/**
 * {@code securelink.admin.port}: the admin API (and its OpenAPI document) on a listener
 * of its own, so that the public port, the one an ingress reaches, answers 404 to every
 * spelling of {@code /admin/**} and {@code /v3/api-docs}, and the admin port answers
 * nothing else. The listener serves the same WebFlux application with the same connection
 * rules ({@link NettyServerCustomizer}s) as the public one. Without the property
 * everything is served on the public port (a development setting).
 */
final class AdminListener implements SmartLifecycle, WebFilter, Ordered {

	private static final Log logger = LogFactory.getLog(AdminListener.class);

	/** As the public listener's {@code server.netty.idle-timeout}. */
	private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(75);

	private final int configuredPort;

	private final ObjectProvider<HttpHandler> httpHandler;

	private final List<NettyServerCustomizer> customizers;

	private volatile @Nullable DisposableServer server;

	private volatile @Nullable LoopResources loops;

	AdminListener(int configuredPort, ObjectProvider<HttpHandler> httpHandler,
			List<NettyServerCustomizer> customizers) {
		this.configuredPort = configuredPort;
		this.httpHandler = httpHandler;
		this.customizers = customizers;
	}

	/**
	 * The port the listener is bound to (the configured one, or the free one chosen for
	 * 0).
	 */
	int port() {
		DisposableServer running = this.server;
		return (running != null) ? running.port() : this.configuredPort;
	}

	/**
	 * Whether a path belongs to the admin listener: the admin API, its OpenAPI document
	 * and Swagger UI.
	 */
	static boolean isAdminPath(String rawPath) {
		String first = RequestPaths.firstSegment(rawPath);
		return RequestPaths.isAdmin(rawPath) || first.equals("v3") || first.startsWith("swagger-ui")
				|| first.equals("webjars");
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		boolean onAdminPort = exchange.getRequest().getLocalAddress() != null
				&& exchange.getRequest().getLocalAddress().getPort() == port();
		if (isAdminPath(exchange.getRequest().getPath().value()) != onAdminPort) {
			exchange.getResponse().setStatusCode(HttpStatus.NOT_FOUND);
			return exchange.getResponse().setComplete();
		}
		return chain.filter(exchange);
	}

	@Override
	public int getOrder() {
		// Ahead of every other filter, the security chain included: the wrong port learns
		// nothing.
		return Ordered.HIGHEST_PRECEDENCE + 5;
	}

	@Override
	public void start() {
		this.loops = LoopResources.create("admin-http", 1, true);
		HttpServer server = HttpServer.create()
			.port(this.configuredPort)
			.runOn(this.loops)
			.idleTimeout(IDLE_TIMEOUT)
			.httpRequestDecoder((decoder) -> decoder.maxInitialLineLength(8 * 1024).maxHeaderSize(16 * 1024));
		for (NettyServerCustomizer customizer : this.customizers) {
			server = customizer.apply(server);
		}
		this.server = server.handle(new ReactorHttpHandlerAdapter(this.httpHandler.getObject())).bindNow();
		logger.info("Admin API listening on port " + this.server.port() + " (securelink.admin.port)");
	}

	@Override
	public void stop() {
		DisposableServer running = this.server;
		if (running != null) {
			running.disposeNow();
		}
		LoopResources resources = this.loops;
		if (resources != null) {
			resources.dispose();
		}
		this.server = null;
		this.loops = null;
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

}
