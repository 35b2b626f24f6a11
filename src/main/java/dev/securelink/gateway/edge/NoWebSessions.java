package dev.securelink.gateway.edge;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.server.session.WebSessionManager;
import reactor.core.publisher.Mono;

/**
 * WebFlux's session manager, replaced: the gateway keeps no server-side sessions (its
 * sessions are signed cookies), yet Thymeleaf's view asks every exchange for one.
 * Spring's in-memory store then makes a session object per page, on a bounded-elastic
 * thread and handed back on a parallel one, so every page was finished off its
 * connection's event loop (which is what exposed reactor-netty#4361, see pom.xml). This
 * one answers the same empty session, which can never be started, on the caller's thread.
 */
final class NoWebSessions implements WebSessionManager {

	private static final WebSession NONE = new WebSession() {

		private final Instant epoch = Instant.EPOCH;

		@Override
		public String getId() {
			return "";
		}

		@Override
		public Map<String, Object> getAttributes() {
			return Map.of();
		}

		@Override
		public void start() {
			throw new UnsupportedOperationException("The gateway keeps no server-side sessions");
		}

		@Override
		public boolean isStarted() {
			return false;
		}

		@Override
		public Mono<Void> changeSessionId() {
			return Mono.empty();
		}

		@Override
		public Mono<Void> invalidate() {
			return Mono.empty();
		}

		@Override
		public Mono<Void> save() {
			return Mono.empty();
		}

		@Override
		public boolean isExpired() {
			return false;
		}

		@Override
		public Instant getCreationTime() {
			return this.epoch;
		}

		@Override
		public Instant getLastAccessTime() {
			return this.epoch;
		}

		@Override
		public void setMaxIdleTime(Duration maxIdleTime) {
		}

		@Override
		public Duration getMaxIdleTime() {
			return Duration.ZERO;
		}

	};

	@Override
	public Mono<WebSession> getSession(ServerWebExchange exchange) {
		return Mono.just(NONE);
	}

}
