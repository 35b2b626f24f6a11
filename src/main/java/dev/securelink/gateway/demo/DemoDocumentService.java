package dev.securelink.gateway.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import dev.securelink.gateway.GatewayProperties;

/**
 * The demo's document service, in process on {@code securelink.demo.port}: an invoice
 * (PDF download, a Pay button that POSTs) and an offer (a Sign button that POSTs). Each
 * page shows whether the gateway's assertion arrived and verified against the gateway's
 * published JWKS, as a real document service would check it.
 */
@Component
@Profile("demo")
public class DemoDocumentService implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DemoDocumentService.class);

	private static final String WEBHOOK_PATH = "demo/webhooks";

	private static final String MAIL_PATH = "_demo/mail";

	private final ObjectProvider<DemoMail> mail;

	private final int port;

	private final DemoAssertions assertions;

	private final AtomicInteger payments = new AtomicInteger();

	private final AtomicInteger signatures = new AtomicInteger();

	private volatile @Nullable DisposableServer server;

	/** The demo endpoint's signing key, once DemoLinks registered it. */
	private final AtomicReference<byte @Nullable []> webhookKey = new AtomicReference<>();

	private final AtomicInteger verifiedWebhooks = new AtomicInteger();

	DemoDocumentService(Environment environment, GatewayProperties gateway, ObjectProvider<DemoMail> mail) {
		this.mail = mail;
		this.port = environment.getProperty("securelink.demo.port", Integer.class, 8081);
		this.assertions = new DemoAssertions(gateway.baseUrl() + "/.well-known/jwks.json");
	}

	/** How many Pay POSTs arrived. */
	public int payments() {
		return this.payments.get();
	}

	/** How many Sign POSTs arrived. */
	public int signatures() {
		return this.signatures.get();
	}

	/** How many webhook deliveries arrived and verified. */
	public int verifiedWebhooks() {
		return this.verifiedWebhooks.get();
	}

	/** The URL the demo tenant's webhook endpoint points at. */
	String webhookUrl() {
		return "http://localhost:" + this.port + "/" + WEBHOOK_PATH;
	}

	/**
	 * The demo mailbox's page ({@link DemoMail}), or null when mails go to a relay of
	 * their own.
	 */
	@Nullable String mailboxUrl() {
		return (this.mail.getIfAvailable() != null) ? "http://localhost:" + this.port + "/" + MAIL_PATH : null;
	}

	/** The secret ({@code whsec_…}) deliveries to {@link #webhookUrl} are signed with. */
	void acceptWebhooksSignedWith(String secret) {
		this.webhookKey.set(Base64.getDecoder().decode(secret.substring("whsec_".length())));
	}

	@Override
	public void start() {
		this.server = HttpServer.create().host("localhost").port(this.port).handle(this::handle).bindNow();
		logger.info("Demo document service listening on port " + this.server.port());
	}

	@Override
	public void stop() {
		DisposableServer current = this.server;
		if (current != null) {
			current.disposeNow();
		}
	}

	@Override
	public boolean isRunning() {
		DisposableServer current = this.server;
		return current != null && !current.isDisposed();
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		String path = request.path();
		if (path.equals(WEBHOOK_PATH) && request.method().name().equals("POST")) {
			return receiveWebhook(request, response);
		}
		DemoMail mailbox = this.mail.getIfAvailable();
		if (path.equals(MAIL_PATH) && mailbox != null) {
			return mailbox.page(response);
		}
		if (path.matches(MAIL_PATH + "/[0-9]{1,6}") && mailbox != null) {
			return mailbox.html(response, Integer.parseInt(path.substring(MAIL_PATH.length() + 1)));
		}
		boolean invoice = path.startsWith("demo/invoices/");
		boolean offer = path.startsWith("demo/offers/");
		if (!invoice && !offer) {
			return response.status(404).sendString(Mono.just("No such demo document")).then();
		}
		String last = path.substring(path.lastIndexOf('/') + 1);
		String number = HtmlUtils.htmlEscape(path.split("/")[2]);
		boolean post = request.method().name().equals("POST");
		return request.receive()
			.then()
			.then(this.assertions.verify(request.requestHeaders().get("X-SecureLink-Assertion"), "/" + path))
			.flatMap((verdict) -> {
				if (invoice && last.equals("invoice.pdf")) {
					return response.header("Content-Type", "application/pdf")
						.header("Content-Disposition", "attachment; filename=\"invoice-2026-0042.pdf\"")
						.sendByteArray(Mono.just(DemoPages.pdf()))
						.then();
				}
				if (post && invoice && last.equals("pay")) {
					this.payments.incrementAndGet();
					return DemoPages.html(response, "Payment received",
							"<p class=\"ok\">Thank you: €1,250.00 was paid.</p>", verdict);
				}
				if (post && offer && last.equals("sign")) {
					this.signatures.incrementAndGet();
					return DemoPages.html(response, "Offer signed",
							"<p class=\"ok\">Thank you: the offer is signed.</p>", verdict);
				}
				return invoice
						? DemoPages.html(response, "Invoice " + number,
								"""
										<p>Acme Consulting · consulting, November 2026 · <strong>€1,250.00</strong> due 31 December 2026</p>
										<p><a href="invoice.pdf">Download the invoice (PDF)</a></p>
										<form method="post" action="pay"><button type="submit">Pay €1,250.00</button></form>
										""",
								verdict)
						: DemoPages.html(response, "Offer " + number, """
								<p>Acme Consulting · website redesign · <strong>€8,400.00</strong></p>
								<form method="post" action="sign"><button type="submit">Sign the offer</button></form>
								""", verdict);
			});
	}

	/**
	 * The invoicing application's side of the webhooks, as README shows it: checks the
	 * Standard Webhooks signature and the timestamp, logs what verified (type and ids,
	 * nothing else is in a payload) and answers 204; 401 otherwise.
	 */
	private Mono<Void> receiveWebhook(HttpServerRequest request, HttpServerResponse response) {
		String id = request.requestHeaders().get("webhook-id");
		String timestamp = request.requestHeaders().get("webhook-timestamp");
		String signatures = request.requestHeaders().get("webhook-signature");
		return request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0]).flatMap((body) -> {
			byte[] key = this.webhookKey.get();
			if (key == null || id == null || timestamp == null || signatures == null
					|| !verifiedWebhook(key, id, timestamp, signatures, body)) {
				logger.warn("Webhook refused: its signature did not verify");
				return response.status(401).send();
			}
			this.verifiedWebhooks.incrementAndGet();
			String text = new String(body, StandardCharsets.UTF_8);
			logger.info("Webhook verified: " + member(text, "type") + " " + id + " link " + member(text, "linkId"));
			return response.status(204).send();
		});
	}

	static boolean verifiedWebhook(byte[] key, String id, String timestamp, String signatures, byte[] body) {
		try {
			if (Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp)) > 300) {
				return false;
			}
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key, "HmacSHA256"));
			mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
			byte[] expected = mac.doFinal(body);
			for (String signature : signatures.split(" ")) {
				if (signature.startsWith("v1,")
						&& MessageDigest.isEqual(expected, Base64.getDecoder().decode(signature.substring(3)))) {
					return true;
				}
			}
			return false;
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return false;
		}
	}

	/** A string member of the JSON payload, for the log line; "-" when absent. */
	private static String member(String json, String name) {
		java.util.regex.Matcher found = java.util.regex.Pattern.compile("\"" + name + "\":\"([A-Za-z0-9._\\-]{1,64})\"")
			.matcher(json);
		return found.find() ? found.group(1) : "-";
	}

}
