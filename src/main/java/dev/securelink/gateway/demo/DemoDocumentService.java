package dev.securelink.gateway.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
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

	private final int port;

	private final String jwksUrl;

	private final AtomicReference<JWKSet> keys = new AtomicReference<>();

	private final AtomicInteger payments = new AtomicInteger();

	private final AtomicInteger signatures = new AtomicInteger();

	private volatile @Nullable DisposableServer server;

	/** The demo endpoint's signing key, once DemoLinks registered it. */
	private final AtomicReference<byte @Nullable []> webhookKey = new AtomicReference<>();

	private final AtomicInteger verifiedWebhooks = new AtomicInteger();

	DemoDocumentService(Environment environment, GatewayProperties gateway) {
		this.port = environment.getProperty("securelink.demo.port", Integer.class, 8081);
		this.jwksUrl = gateway.baseUrl() + "/.well-known/jwks.json";
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
			.then(verify(request.requestHeaders().get("X-SecureLink-Assertion"), "/" + path))
			.flatMap((verdict) -> {
				if (invoice && last.equals("invoice.pdf")) {
					return response.header("Content-Type", "application/pdf")
						.header("Content-Disposition", "attachment; filename=\"invoice-2026-0042.pdf\"")
						.sendByteArray(Mono.just(pdf()))
						.then();
				}
				if (post && invoice && last.equals("pay")) {
					this.payments.incrementAndGet();
					return html(response, "Payment received", "<p class=\"ok\">Thank you: €1,250.00 was paid.</p>",
							verdict);
				}
				if (post && offer && last.equals("sign")) {
					this.signatures.incrementAndGet();
					return html(response, "Offer signed", "<p class=\"ok\">Thank you: the offer is signed.</p>",
							verdict);
				}
				return invoice
						? html(response, "Invoice " + number,
								"""
										<p>Acme Consulting · consulting, November 2026 · <strong>€1,250.00</strong> due 31 December 2026</p>
										<p><a href="invoice.pdf">Download the invoice (PDF)</a></p>
										<form method="post" action="pay"><button type="submit">Pay €1,250.00</button></form>
										""",
								verdict)
						: html(response, "Offer " + number, """
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

	/**
	 * Checks the assertion as a document service should: signature by the published key,
	 * audience, expiry, and that the path asked for is the document the assertion names
	 * or lies below it.
	 */
	private Mono<String> verify(String assertion, String path) {
		if (assertion == null) {
			return Mono.just("<p class=\"bad\">No gateway assertion received.</p>");
		}
		return jwks().map((keys) -> {
			try {
				SignedJWT jwt = SignedJWT.parse(assertion);
				ECKey key = (ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
				JWTClaimsSet claims = jwt.getJWTClaimsSet();
				boolean valid = key != null && jwt.verify(new ECDSAVerifier(key))
						&& claims.getAudience().contains("securelink-upstream")
						&& claims.getExpirationTime().after(new Date()) && names(claims.getStringClaim("doc"), path);
				if (!valid) {
					return "<p class=\"bad\">The gateway assertion did not verify.</p>";
				}
				return "<p class=\"ok\" id=\"assertion\">Gateway assertion verified: link "
						+ HtmlUtils.htmlEscape(claims.getSubject()) + ", tenant "
						+ HtmlUtils.htmlEscape(claims.getStringClaim("tenant")) + ", rights "
						+ HtmlUtils.htmlEscape(String.join(" ", claims.getStringListClaim("rights"))) + ".</p>";
			}
			catch (Exception ex) {
				return "<p class=\"bad\">The gateway assertion could not be read.</p>";
			}
		});
	}

	private static boolean names(String document, String path) {
		return document != null && (path.equals(document) || path.startsWith(document + "/"));
	}

	private Mono<JWKSet> jwks() {
		JWKSet cached = this.keys.get();
		if (cached != null) {
			return Mono.just(cached);
		}
		return HttpClient.create().get().uri(this.jwksUrl).responseContent().aggregate().asString().map((json) -> {
			try {
				JWKSet parsed = JWKSet.parse(json);
				this.keys.set(parsed);
				return parsed;
			}
			catch (java.text.ParseException ex) {
				throw new IllegalStateException("The gateway's JWKS is not valid", ex);
			}
		});
	}

	private static Mono<Void> html(HttpServerResponse response, String title, String body, String verdict) {
		String page = """
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
				<title>%s</title>
				<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}
				.ok{color:#1b5e20}.bad{color:#b3261e}button{font-size:1rem;padding:.6rem 1.2rem}</style></head>
				<body><main><h1>%s</h1>%s%s<p><small>Demo document service behind securelink-gateway</small></p>
				</main></body></html>
				""".formatted(title, title, body, verdict);
		return response.header("Content-Type", "text/html; charset=utf-8")
			.sendString(Mono.just(page), StandardCharsets.UTF_8)
			.then();
	}

	/** A one-page PDF that any viewer opens. */
	private static byte[] pdf() {
		String text = "Invoice 2026-0042 - Acme Consulting - EUR 1,250.00";
		String stream = "BT /F1 18 Tf 72 720 Td (" + text + ") Tj ET";
		String[] objects = { "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
				"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
						+ "/Resources << /Font << /F1 5 0 R >> >> >>",
				"<< /Length " + stream.length() + " >>\nstream\n" + stream + "\nendstream",
				"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>" };
		StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
		int[] offsets = new int[objects.length];
		for (int i = 0; i < objects.length; i++) {
			offsets[i] = pdf.length();
			pdf.append(i + 1).append(" 0 obj\n").append(objects[i]).append("\nendobj\n");
		}
		int xref = pdf.length();
		pdf.append("xref\n0 ").append(objects.length + 1).append("\n0000000000 65535 f \n");
		for (int offset : offsets) {
			pdf.append(String.format("%010d 00000 n \n", offset));
		}
		pdf.append("trailer\n<< /Size ")
			.append(objects.length + 1)
			.append(" /Root 1 0 R >>\nstartxref\n")
			.append(xref)
			.append("\n%%EOF\n");
		return pdf.toString().getBytes(StandardCharsets.US_ASCII);
	}

}
