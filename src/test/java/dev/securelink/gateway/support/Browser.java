package dev.securelink.gateway.support;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import org.jsoup.Jsoup;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

/**
 * A visitor's browser over WebTestClient: a cookie jar, its own client IP (the tests'
 * loopback peer is a trusted proxy, so X-Forwarded-For names it) and, for form posts, the
 * Origin a browser sends.
 */
public final class Browser {

	public static final String ORIGIN = "http://localhost:8080";

	private final WebTestClient client;

	private final Map<String, String> jar = new LinkedHashMap<>();

	private String ip;

	private String acceptLanguage = "en";

	public Browser(WebTestClient client) {
		this.client = client;
		ThreadLocalRandom random = ThreadLocalRandom.current();
		this.ip = "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(1, 255);
	}

	/**
	 * Acts from {@code address} (the tests' loopback peer is a trusted proxy) from now
	 * on.
	 */
	public Browser ip(String address) {
		this.ip = address;
		return this;
	}

	public Browser language(String acceptLanguage) {
		this.acceptLanguage = acceptLanguage;
		return this;
	}

	public Browser cookie(String name, String value) {
		this.jar.put(name, value);
		return this;
	}

	public String cookie(String name) {
		return this.jar.get(name);
	}

	public Map<String, String> cookies() {
		return Map.copyOf(this.jar);
	}

	/** The Cookie header this browser sends. */
	public String cookieHeader() {
		return this.jar.entrySet()
			.stream()
			.map((e) -> e.getKey() + "=" + e.getValue())
			.collect(Collectors.joining("; "));
	}

	public EntityExchangeResult<String> get(String path) {
		return keep(headers(this.client.get().uri(path)).exchange().expectBody(String.class).returnResult());
	}

	public EntityExchangeResult<String> post(String path, Map<String, String> form) {
		return postFrom(ORIGIN, path, form);
	}

	public EntityExchangeResult<String> postFrom(String origin, String path, Map<String, String> form) {
		MultiValueMap<String, String> body = new LinkedMultiValueMap<>();
		form.forEach(body::add);
		Secrets.remember(form.get("email"));
		WebTestClient.RequestBodySpec spec = this.client.post().uri(path);
		headers(spec);
		if (origin != null) {
			spec.header(HttpHeaders.ORIGIN, origin);
		}
		return keep(spec.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.body(BodyInserters.fromFormData(body))
			.exchange()
			.expectBody(String.class)
			.returnResult());
	}

	/**
	 * Opens a mailed link and answers the prompt with {@code address}, as a person would.
	 */
	public EntityExchangeResult<String> verify(String linkPath, String address) {
		EntityExchangeResult<String> prompt = get(linkPath);
		return post(linkPath, Map.of("email", address, "csrf", csrfToken(prompt)));
	}

	public static String csrfToken(EntityExchangeResult<String> page) {
		return Jsoup.parse(page.getResponseBody()).select("input[name=csrf]").attr("value");
	}

	private <S extends WebTestClient.RequestHeadersSpec<?>> S headers(S spec) {
		spec.header("X-Forwarded-For", this.ip).header(HttpHeaders.ACCEPT_LANGUAGE, this.acceptLanguage);
		if (!this.jar.isEmpty()) {
			spec.header(HttpHeaders.COOKIE, cookieHeader());
		}
		return spec;
	}

	private EntityExchangeResult<String> keep(EntityExchangeResult<String> result) {
		for (List<ResponseCookie> cookies : result.getResponseCookies().values()) {
			for (ResponseCookie cookie : cookies) {
				if (cookie.getMaxAge().isZero()) {
					this.jar.remove(cookie.getName());
				}
				else {
					this.jar.put(cookie.getName(), Secrets.remember(cookie.getValue()));
				}
			}
		}
		return result;
	}

}
