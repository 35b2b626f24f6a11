package dev.securelink.gateway.page;

/**
 * The form a page carries: where it posts and its CSRF token (see {@link FormPages}).
 *
 * @param action the path the form posts to, as it goes in the page (escaped there)
 * @param token the form token
 */
public record PageForm(String action, String token) {
}
