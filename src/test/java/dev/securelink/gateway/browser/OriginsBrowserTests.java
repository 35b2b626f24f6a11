package dev.securelink.gateway.browser;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.Ports;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Documents on origins of their own and a company's own link host, in Debian's Chromium:
 * a customer opens the mailed link on the company's host, verifies, lands on the
 * document's own origin ({@code {link}.docs.localhost}, which Chromium resolves to this
 * machine) and pays; then a script in that document (this test's upstream serves one)
 * goes after another document open in the same browser: it tries to read it, to submit on
 * it and to plant cookies on it through the parent domain ({@code docs.localhost}, which
 * the browser lets it set, as it would for a documents' domain that is not a public
 * suffix), and each attempt fails: the gateway passes a document's service only the
 * cookies it set itself. Screenshots of each step land in
 * {@code target/browser/origins-*}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = "securelink.documents.origin=http://{link}.docs.localhost:${server.port}")
class OriginsBrowserTests {

	static final int PORT = Ports.free();

	static final String BASE = "http://localhost:" + PORT;

	static final String TENANT = Admin.newTenant();

	/**
	 * The company's own link host; like every *.localhost name, Chromium resolves it to
	 * this machine and treats it as a secure context (its {@code __Host-} cookies hold
	 * over http).
	 */
	static final String LINK_HOST = "facturen-" + TENANT + ".localhost";

	/** The document service, started with the class: the context reads its port. */
	static final DisposableServer UPSTREAM = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.handle(OriginsBrowserTests::document)
		.bindNow();

	/** Pay submissions the upstream received, per document. */
	static final Map<String, AtomicInteger> PAYMENTS = new ConcurrentHashMap<>();

	/** The Cookie header of every request the upstream received (empty for none). */
	static final ConcurrentLinkedQueue<String> COOKIES = new ConcurrentLinkedQueue<>();

	final Chromium chromium = new Chromium();

	@BeforeAll
	static void requireChromium() {
		Chromium.require();
	}

	@AfterAll
	static void stop() {
		UPSTREAM.disposeNow();
	}

	@AfterEach
	void quit() {
		this.chromium.close();
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("management.server.port", () -> 0);
		registry.add("securelink.public-base-url", () -> BASE);
		registry.add("securelink.upstream.url", () -> "http://127.0.0.1:" + UPSTREAM.port());
	}

	@Test
	void customerOnTheCompanysHostLandsOnTheDocumentsOwnOriginAndItsScriptReachesNoOtherDocument() throws IOException {
		Admin admin = admin();
		admin.put(TENANT, "/link-hosts/" + LINK_HOST).exchange().expectStatus().isCreated();
		CreatedLink invoice = link(admin, "/docs/invoice-a");
		CreatedLink other = link(admin, "/docs/invoice-b");
		assertThat(invoice.url()).startsWith("http://" + LINK_HOST + ":" + PORT + "/l/");
		WebDriver browser = this.chromium.open("en");

		browser.get(invoice.url());
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Open your document");
		Chromium.screenshot(browser, "origins-01-prompt-on-the-companys-host");
		String documentA = verify(browser);
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Invoice invoice-a");
		Chromium.screenshot(browser, "origins-02-document-on-its-own-origin");

		browser.findElement(By.cssSelector("form[action=pay] button")).click();
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleIs("Payment received"));
		assertThat(PAYMENTS.get("invoice-a").get()).isEqualTo(1);
		Chromium.screenshot(browser, "origins-03-paid");

		// A second document open in the same browser, on an origin of its own.
		browser.get(other.url());
		String documentB = verify(browser);
		assertThat(documentB).isNotEqualTo(documentA);
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Invoice invoice-b");
		COOKIES.clear();

		// Invoice A's script goes after invoice B.
		browser.get(documentA + "?probe=" + documentB.substring(0, documentB.length() - 1) + "&id=" + other.id());
		new WebDriverWait(browser, Duration.ofSeconds(15))
			.until(ExpectedConditions.textToBePresentInElementLocated(By.id("results"), "done"));
		String results = browser.findElement(By.id("results")).getText();
		Chromium.screenshot(browser, "origins-04-script-attempts");
		assertThat(results).contains("read other document: blocked")
			.contains("other document through this host: 404")
			.contains("parent-domain cookie in the browser: ");
		assertThat(PAYMENTS.getOrDefault("invoice-b", new AtomicInteger()).get()).as("no payment reached invoice B")
			.isZero();

		// Invoice B still opens, unharmed, and its service sees none of the script's
		// cookies; a code of another company on this host does not open.
		browser.get(documentB);
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Invoice invoice-b");
		assertThat(COOKIES).as("requests reached the documents' service after the script ran").isNotEmpty();
		assertThat(COOKIES).as("no cookie of the script reached any document's service")
			.noneMatch((c) -> c.contains("bomb") || c.contains("tossed"))
			.anyMatch((c) -> c.equals("sid=doc-invoice-b"));
		CreatedLink foreign = link(admin(), Admin.newTenant(), "/docs/foreign");
		browser.get("http://" + LINK_HOST + ":" + PORT + foreign.path());
		assertThat(browser.getTitle()).isEqualTo("This link does not work");
		Chromium.screenshot(browser, "origins-05-another-companys-code-on-this-host");
	}

	/** Answers the prompt with the recipient's address; answers the document's URL. */
	private static String verify(WebDriver browser) {
		browser.findElement(By.id("email")).sendKeys("anna@example.com");
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleContains("Invoice"));
		String url = browser.getCurrentUrl();
		assertThat(url).matches("http://[a-z2-7]{20}\\.docs\\.localhost:" + PORT + "/");
		return url;
	}

	private static CreatedLink link(Admin admin, String document) {
		return link(admin, TENANT, document);
	}

	private static CreatedLink link(Admin admin, String tenant, String document) {
		return admin.createLink(tenant,
				Map.of("document", document, "recipients", List.of("anna@example.com"), "rights", List.of("pay")));
	}

	private static Admin admin() {
		return new Admin(WebTestClient.bindToServer().baseUrl(BASE).responseTimeout(Duration.ofSeconds(30)).build());
	}

	/**
	 * The document service: an invoice page whose script, given {@code ?probe=} (another
	 * document's origin) and {@code &id=} (its link id), tries what a compromised
	 * document would; a pay submission is counted and answered.
	 */
	private static Mono<Void> document(HttpServerRequest request, HttpServerResponse response) {
		String cookie = request.requestHeaders().get("Cookie");
		COOKIES.add((cookie != null) ? cookie : "");
		String path = request.path();
		String name = path.replaceAll("^docs/([^/]+).*$", "$1");
		if (request.method().name().equals("POST") && path.endsWith("/pay")) {
			PAYMENTS.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
			return request.receive()
				.then(response.header("Content-Type", "text/html; charset=utf-8")
					.sendString(Mono.just("<!doctype html><html lang=en><title>Payment received</title>"
							+ "<h1>Payment received</h1>"))
					.then());
		}
		return response.header("Content-Type", "text/html; charset=utf-8")
			// The document service's own cookie, which its next requests carry back.
			.header("Set-Cookie", "sid=doc-" + name + "; Path=/; HttpOnly")
			.sendString(Mono.just("""
					<!doctype html><html lang=en><title>Invoice %1$s</title>
					<h1>Invoice %1$s</h1>
					<form method=post action=pay><button>Pay</button></form>
					<pre id=results></pre>
					<script>
					const params = new URLSearchParams(location.search);
					const other = params.get('probe');
					const out = document.getElementById('results');
					const say = (line) => { out.textContent += line + '\\n'; };
					async function probe() {
					  try {
					    const text = await (await fetch(other + '/', { credentials: 'include' })).text();
					    say('read other document: ' + (text.includes('Invoice') ? 'LEAKED' : 'blocked'));
					  } catch (e) { say('read other document: blocked'); }
					  try {
					    const answer = await fetch('/d/' + params.get('id') + '/', { credentials: 'include' });
					    say('other document through this host: ' + answer.status);
					  } catch (e) { say('other document through this host: failed'); }
					  try {
					    await fetch(other + '/pay', { method: 'POST', credentials: 'include', mode: 'no-cors',
					      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'amount=1' });
					    say('submit on other document: sent, its answer unreadable');
					  } catch (e) { say('submit on other document: failed'); }
					  document.cookie = 'bomb=1; domain=docs.localhost; path=/';
					  document.cookie = 'bomb2=1; domain=.docs.localhost; path=/';
					  document.cookie = 'bomb3=1; domain=localhost; path=/';
					  document.cookie = 'sid=tossed; domain=docs.localhost; path=/';
					  say('parent-domain cookie in the browser: ' + (document.cookie.includes('bomb') ? 'yes' : 'no'));
					  try { await fetch(other + '/', { credentials: 'include', mode: 'no-cors' }); } catch (e) { }
					  try { await fetch('/again', { credentials: 'include' }); } catch (e) { }
					  say('done');
					}
					if (other) { probe(); }
					</script>
					""".formatted(name)))
			.then();
	}

}
