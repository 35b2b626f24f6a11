package dev.securelink.gateway.access;

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.web.Pages;

/**
 * {@code /d/{linkId}/**} until the proxy to the document service lands: a valid session sees a page saying access
 * is granted; anything else sees the page asking to open the link from the e-mail again (the same for an unknown
 * link id).
 */
@Component
class DocumentPlaceholderHandler {

	private final Sessions sessions;

	DocumentPlaceholderHandler(Sessions sessions) {
		this.sessions = sessions;
	}

	Mono<ServerResponse> handle(ServerRequest request) {
		return this.sessions.check(request.exchange().getRequest(), request.pathVariable("linkId"))
			.flatMap((check) -> {
				if (check instanceof Sessions.Valid valid) {
					return Pages.render(HttpStatus.OK, "message", Map.of("kind", "granted"),
							(valid.refresh() != null) ? List.of(valid.refresh()) : List.of());
				}
				return Pages.message(HttpStatus.FORBIDDEN, "session");
			});
	}

}
