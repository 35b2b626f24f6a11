package dev.securelink.gateway.access;

import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.server.ServerRequest;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;

import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.edge.ClientAddress;
import dev.securelink.gateway.edge.SameOrigin;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.tenant.LinkHosts;

/**
 * The one place that reads a link request's HTTP: path, cookies, origin evidence, the
 * client's address and, for a POST from the gateway's own origin, the form. A cross-site
 * POST's body is never read.
 */
@Component
class LinkRequestConverter {

	private final ClientAddress clients;

	private final FormTokens forms;

	private final SameOrigin sameOrigin;

	private final LinkHosts hosts;

	LinkRequestConverter(ClientAddress clients, FormTokens forms, GatewayProperties properties, LinkHosts hosts) {
		this.hosts = hosts;
		this.clients = clients;
		this.forms = forms;
		this.sameOrigin = new SameOrigin(properties.publicBaseUrl());
	}

	Mono<LinkRequest> open(ServerRequest request) {
		return open(request, request.pathVariable("code"), action(request));
	}

	/**
	 * A plain GET that {@link LinkRoute} serves ahead of WebFlux, read the same way from
	 * Reactor Netty's request: its {@code code}, {@code action} and chosen
	 * {@code language} are the route's reading of the path.
	 */
	LinkRequest open(HttpServerRequest request, String code, Right action, @Nullable String language) {
		io.netty.handler.codec.http.HttpHeaders headers = request.requestHeaders();
		List<String> cookies = headers.getAll(HttpHeaderNames.COOKIE);
		return LinkRequest.open(code, action,
				this.clients.client(request.remoteAddress(), headers.getAll("X-Forwarded-For")), cookies,
				this.forms.nonce(cookies), language, headers.getAll(HttpHeaderNames.ACCEPT_LANGUAGE),
				headers.get(HttpHeaderNames.HOST));
	}

	/** The step-up page's GET ({@code action} from its token), read the same way. */
	Mono<LinkRequest> openStepUp(ServerRequest request, Right action) {
		return open(request, "", action);
	}

	private Mono<LinkRequest> open(ServerRequest request, String code, @Nullable Right action) {
		HttpHeaders headers = request.headers().asHttpHeaders();
		return Mono.just(LinkRequest.open(code, action, this.clients.client(request.exchange()), cookies(headers),
				this.forms.nonce(request.exchange().getRequest()), request.queryParam("lang").orElse(null),
				languages(headers), headers.getFirst(HttpHeaders.HOST)));
	}

	/**
	 * Errors with Spring's {@code DataBufferLimitException} when the form is larger than
	 * the codecs allow.
	 */
	Mono<LinkRequest> submit(ServerRequest request) {
		return submit(request, request.pathVariable("code"), action(request));
	}

	/**
	 * The step-up page's POST ({@code action} from its token): a link request without a
	 * code, read the same way.
	 */
	Mono<LinkRequest> submitStepUp(ServerRequest request, Right action) {
		return submit(request, "", action);
	}

	private Mono<LinkRequest> submit(ServerRequest request, String code, @Nullable Right action) {
		HttpHeaders headers = request.headers().asHttpHeaders();
		String client = this.clients.client(request.exchange());
		String nonce = this.forms.nonce(request.exchange().getRequest());
		String host = headers.getFirst(HttpHeaders.HOST);
		// From the link host the request came to, or the gateway's; without any origin
		// evidence the form token decides.
		return this.hosts.originOf(host)
			.map((home) -> SameOrigin.test(home, headers.getOrigin(), headers.getFirst("Sec-Fetch-Site"), false))
			.defaultIfEmpty(this.sameOrigin.test(headers, false))
			.flatMap((sameOrigin) -> {
				if (!sameOrigin) {
					return Mono.just(LinkRequest.submit(code, action, false, client, cookies(headers), nonce, null,
							null, null, languages(headers), host, null, false, false));
				}
				return request.formData()
					.map((form) -> LinkRequest.submit(code, action, true, client, cookies(headers), nonce,
							form.getFirst("csrf"), form.getFirst("email"), form.getFirst("lang"), languages(headers),
							host, form.getFirst("otp"), form.containsKey("resend"), form.containsKey("remember")));
			});
	}

	private static @Nullable Right action(ServerRequest request) {
		String action = request.pathVariables().get("action");
		if (action == null) {
			return Right.VIEW;
		}
		return switch (action) {
			case "sign" -> Right.SIGN;
			case "pay" -> Right.PAY;
			default -> null;
		};
	}

	private static List<String> cookies(HttpHeaders headers) {
		return headers.getOrEmpty(HttpHeaders.COOKIE);
	}

	private static List<String> languages(HttpHeaders headers) {
		return headers.getOrEmpty(HttpHeaders.ACCEPT_LANGUAGE);
	}

}
