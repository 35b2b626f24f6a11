package dev.securelink.gateway.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.GatewayProperties;

/**
 * Once the gateway listens, sets up the demo through its own admin API, exactly as the
 * invoicing application would: a tenant with e-mail verification on, one with it off and
 * one in the code mode (its mails go to {@link DemoMail}), invoices and an offer. Then it
 * prints the links and a ready curl. The printout goes to standard output on purpose and
 * never to a log: codes and the token are secrets everywhere but in this development
 * demo.
 */
@Component
@Profile("demo")
@ConditionalOnProperty(name = "securelink.demo.links", havingValue = "true", matchIfMissing = true)
class DemoLinks implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DemoLinks.class);

	/** The demo company, as its prompt names it. */
	static final String DISPLAY_NAME = "Acme Invoicing (demo)";

	/** The demo company in the code mode. */
	static final String CODE_DISPLAY_NAME = "Bright Energy (demo)";

	/** The locale of the one demo link that has one. */
	static final String FIXED_LOCALE = "fr";

	static final String RECIPIENT = "anna@example.com";

	private final Environment environment;

	private final GatewayProperties gateway;

	private final JsonMapper json;

	private final DemoDocumentService documents;

	private volatile @Nullable Disposable setup;

	DemoLinks(Environment environment, GatewayProperties gateway, JsonMapper json, DemoDocumentService documents) {
		this.environment = environment;
		this.documents = documents;
		this.gateway = gateway;
		this.json = json;
	}

	@Override
	public void start() {
		String issuerKey = this.environment.getProperty("securelink.demo.issuer-key");
		if (issuerKey == null) {
			logger.warn("Demo links not created: an external issuer is configured, so the demo cannot sign for it");
			return;
		}
		String token = DemoIssuer.token(Path.of(issuerKey), "demo");
		String openToken = DemoIssuer.token(Path.of(issuerKey), "demo-open");
		String codeToken = DemoIssuer.token(Path.of(issuerKey), "demo-code");
		HttpClient admin = HttpClient.create()
			.baseUrl("http://localhost:" + this.environment.getProperty("local.server.port", "8080"))
			.headers((headers) -> headers.set("Content-Type", "application/json"));
		this.setup = call(admin, token, "PUT", "/admin/v1/tenants/demo/settings",
				Map.of("emailVerification", true, "supportAccess", false, "displayName", DISPLAY_NAME,
						"recipientSharing", "view+sign"))
			.then(call(admin, openToken, "PUT", "/admin/v1/tenants/demo-open/settings",
					Map.of("emailVerification", false, "supportAccess", false, "displayName", "Open Books (demo)")))
			.then(call(admin, codeToken, "PUT", "/admin/v1/tenants/demo-code/settings",
					Map.of("verification", "code", "supportAccess", false, "displayName", CODE_DISPLAY_NAME)))
			.then(registerWebhook(admin, token))
			.then(Mono.zip(
					call(admin, token, "POST", "/admin/v1/tenants/demo/links",
							link("/demo/invoices/2026-0042", "pay", null)),
					call(admin, token, "POST", "/admin/v1/tenants/demo/links",
							link("/demo/offers/2026-007", "sign", null)),
					call(admin, openToken, "POST", "/admin/v1/tenants/demo-open/links",
							link("/demo/invoices/2026-0043", "pay", null)),
					call(admin, token, "POST", "/admin/v1/tenants/demo/links",
							link("/demo/invoices/2026-0044", "pay", FIXED_LOCALE)),
					call(admin, codeToken, "POST", "/admin/v1/tenants/demo-code/links",
							link("/demo/invoices/2026-0045", "pay", null))))
			.subscribe(
					(links) -> print((String) links.getT1().get("url"), (String) links.getT2().get("url"),
							(String) links.getT3().get("url"), (String) links.getT4().get("url"),
							(String) links.getT5().get("url"), token),
					(error) -> logger.error("Demo setup through the admin API failed", error));
	}

	private void print(@Nullable String invoice, @Nullable String offer, @Nullable String open, @Nullable String fixed,
			@Nullable String code, String token) {
		String base = this.gateway.baseUrl();
		String mailbox = this.documents.mailboxUrl();
		System.out.println(
				"""

						================ securelink-gateway demo ================
						These links carry no language: their pages speak your browser's (English, French, Dutch
						or German; the links at the top of the prompt switch it).
						Invoice from %s, e-mail check on (type %s):
						  %s
						Offer, straight to its Sign button (there, "Share with a colleague" lets ben@example.com view and sign it):
						  %s/sign
						Invoice of a company with the e-mail check off:
						  %s
						Invoice whose link was created with locale "%s": that language, whatever the browser's:
						  %s
						Invoice from %s, which proves the mailbox with an e-mail code (type %s, then the code):
						  %s
						The mails the gateway sent:
						  %s
						Admin API (development token for tenant "demo", accepted only by this demo):
						  export TOKEN=%s
						  curl -s -H "Authorization: Bearer $TOKEN" %s/admin/v1/tenants/demo/links
						Switch the e-mail check off for the demo company:
						  curl -s -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
						    -d '{"emailVerification": false, "supportAccess": false}' %s/admin/v1/tenants/demo/settings
						=========================================================
						"""
					.formatted(DISPLAY_NAME, RECIPIENT, invoice, offer, open, FIXED_LOCALE, fixed, CODE_DISPLAY_NAME,
							RECIPIENT, code, (mailbox != null) ? mailbox : "(sent to the relay spring.mail.host names)",
							token, base, base));
	}

	/**
	 * Points a webhook endpoint of the demo tenant at the demo receiver, for every event
	 * type; the one an earlier start registered (the database outlives a restart) is
	 * replaced, since its secret was only ever shown to that start.
	 */
	@SuppressWarnings("unchecked")
	private Mono<Void> registerWebhook(HttpClient admin, String token) {
		String url = this.documents.webhookUrl();
		return call(admin, token, "GET", "/admin/v1/tenants/demo/webhooks", null)
			.flatMapIterable((list) -> (List<Map<String, Object>>) list.get("items"))
			.filter((endpoint) -> url.equals(endpoint.get("url")))
			.concatMap((endpoint) -> call(admin, token, "DELETE",
					"/admin/v1/tenants/demo/webhooks/" + endpoint.get("id"), null))
			.then(call(admin, token, "POST", "/admin/v1/tenants/demo/webhooks",
					Map.of("url", url, "eventTypes", List.of("*"), "description", "the demo's receiver")))
			.doOnNext((created) -> this.documents
				.acceptWebhooksSignedWith(java.util.Objects.requireNonNull((String) created.get("secret"))))
			.then();
	}

	/**
	 * A link request; without {@code locale} the visitor's browser decides the language.
	 */
	private static Map<String, Object> link(String document, String right, @Nullable String locale) {
		Map<String, Object> request = new java.util.LinkedHashMap<>(
				Map.of("document", document, "recipients", List.of(RECIPIENT), "rights", List.of(right)));
		if (locale != null) {
			request.put("locale", locale);
		}
		return request;
	}

	@SuppressWarnings("unchecked")
	private Mono<Map<String, Object>> call(HttpClient admin, String token, String method, String path,
			@Nullable Map<String, Object> body) {
		return admin.headers((headers) -> headers.set("Authorization", "Bearer " + token))
			.request(io.netty.handler.codec.http.HttpMethod.valueOf(method))
			.uri(path)
			.send((body != null) ? ByteBufFlux.fromString(Mono.fromCallable(() -> this.json.writeValueAsString(body)))
					: ByteBufFlux.fromString(Mono.empty()))
			.responseSingle((response, content) -> content.asString().defaultIfEmpty("{}").map((text) -> {
				if (response.status().code() >= 300) {
					throw new IllegalStateException(method + " " + path + " answered " + response.status().code());
				}
				return (Map<String, Object>) this.json.readValue(text, Map.class);
			}));
	}

	@Override
	public void stop() {
		Disposable current = this.setup;
		if (current != null) {
			current.dispose();
		}
	}

	@Override
	public boolean isRunning() {
		Disposable current = this.setup;
		return current != null && !current.isDisposed();
	}

}
