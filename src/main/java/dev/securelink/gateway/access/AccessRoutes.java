package dev.securelink.gateway.access;

import java.util.Map;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.paths.RequestPaths;

/**
 * The public paths of the link flow (the URL contract in docs/behaviour.md).
 * {@code /d/**} never reaches this router: the document route serves it ahead of WebFlux,
 * and its pages are written ahead of the dispatcher.
 */
@Configuration(proxyBeanMethods = false)
class AccessRoutes {

	/**
	 * Ahead of the gateway's assets ({@code /_gw/{name}}), whose route would take the
	 * share page's path.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	RouterFunction<ServerResponse> linkRoutes(LinkAccessHandler links, RenewalHandler renewals, StepUpHandler stepUps,
			ShareHandler shares, MisdirectedHandler misdirected, MessagePages pages) {
		return RouterFunctions.route()
			.GET(GatewayPaths.NOT_FOR_ME, misdirected::page)
			.HEAD(GatewayPaths.NOT_FOR_ME, misdirected::page)
			.POST(GatewayPaths.NOT_FOR_ME, misdirected::submit)
			.GET(GatewayPaths.NOT_FOR_ME_ROUTE, misdirected::page)
			.HEAD(GatewayPaths.NOT_FOR_ME_ROUTE, misdirected::page)
			.POST(GatewayPaths.NOT_FOR_ME_ROUTE, misdirected::submit)
			.GET(GatewayPaths.SHARE, shares::page)
			.HEAD(GatewayPaths.SHARE, shares::page)
			.POST(GatewayPaths.SHARE, shares::submit)
			.GET(GatewayPaths.SHARE_ROUTE, shares::page)
			.HEAD(GatewayPaths.SHARE_ROUTE, shares::page)
			.POST(GatewayPaths.SHARE_ROUTE, shares::submit)
			// Any other method there: 405, nothing looked up.
			.route(RequestPredicates.path(GatewayPaths.SHARE)
				.or(RequestPredicates.path(GatewayPaths.SHARE_ROUTE))
				.or(RequestPredicates.path(GatewayPaths.NOT_FOR_ME))
				.or(RequestPredicates.path(GatewayPaths.NOT_FOR_ME_ROUTE)),
					(request) -> pages.response(request, PageKind.METHOD, Map.of(HttpHeaders.ALLOW, "GET, HEAD, POST")))
			.GET(GatewayPaths.STEP_UP_ROUTE, stepUps::page)
			.POST(GatewayPaths.STEP_UP_ROUTE, stepUps::submit)
			// Ahead of the action routes, whose {action} it would match.
			.GET(GatewayPaths.LINK_RENEWAL_ROUTE, renewals::form)
			.POST(GatewayPaths.LINK_RENEWAL_ROUTE, renewals::submit)
			.GET(GatewayPaths.LINK_ROUTE, links::open)
			.GET(GatewayPaths.LINK_ACTION_ROUTE, links::open)
			.POST(GatewayPaths.LINK_ROUTE, links::submit)
			.POST(GatewayPaths.LINK_ACTION_ROUTE, links::submit)
			// Any other method or spelling of a link path: the same page as an unknown
			// code, nothing looked up.
			.route((request) -> RequestPaths.isLink(request.exchange().getRequest().getPath().value()),
					(request) -> pages.response(request, PageKind.NOT_FOUND))
			.build();
	}

}
