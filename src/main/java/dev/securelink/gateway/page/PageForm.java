package dev.securelink.gateway.web;

/**
 * The form a message page carries: where it posts and its CSRF token (see
 * {@link MessagePages#response(org.springframework.web.reactive.function.server.ServerRequest, PageKind, java.util.Map, PageForm, java.util.List)}).
 *
 * @param action the path the form posts to, as it goes in the page (escaped there)
 * @param token the form token
 */
public record PageForm(String action, String token) {
}
