package dev.securelink.gateway.browser;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.demo.DemoDocumentService;
import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.Ports;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole flow in Debian's Chromium, as a customer clicking a link in an e-mail meets
 * it, against the gateway with its demo document service; and axe-core's WCAG 2.2 AA scan
 * of the gateway's pages in all four languages. Screenshots of every step land in
 * {@code target/browser/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
		properties = { "securelink.documents.origin=http://{link}.localhost:${server.port}",
				// The demo's own SMTP server and mailbox page, as a newcomer sees them.
				"securelink.test.mail=false" })
@ActiveProfiles("demo")
class BrowserTests {

	static final int PORT = Ports.free();

	static final int DEMO_PORT = Ports.free();

	static final String BASE = "http://localhost:" + PORT;

	@Autowired
	DemoDocumentService documents;

	final Chromium chromium = new Chromium();

	@DynamicPropertySource
	static void ports(DynamicPropertyRegistry registry) {
		registry.add("server.port", () -> PORT);
		registry.add("management.server.port", () -> 0);
		registry.add("securelink.public-base-url", () -> BASE);
		registry.add("securelink.demo.port", () -> DEMO_PORT);
		registry.add("securelink.upstream.url", () -> "http://localhost:" + DEMO_PORT);
		registry.add("securelink.demo.links", () -> false);
	}

	@BeforeAll
	static void requireChromium() {
		Chromium.require();
	}

	@AfterEach
	void quit() {
		this.chromium.close();
	}

	@Test
	void customerOpensTheMailedLinkVerifiesAndPaysWhileACopiedUrlOpensNothing() throws IOException {
		String tenant = Admin.newTenant();
		senderName(tenant, "Acme <b>Invoicing</b>");
		CreatedLink link = createLink(tenant, "/demo/invoices/2026-0042");
		String url = link.url();
		WebDriver browser = browser("nl-BE,nl");

		browser.get(url);
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Open uw document");
		assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("nl");
		// The sender, named before anything is typed: its markup shown as text.
		WebElement sender = browser.findElement(By.cssSelector("p.sender"));
		assertThat(sender.getText()).isEqualTo("Acme <b>Invoicing</b> heeft u dit document gestuurd.");
		assertThat(sender.findElements(By.tagName("b"))).isEmpty();
		assertThat(browser.getPageSource()).doesNotContain("2026-0042");
		Chromium.screenshot(browser, "01-prompt-nl");

		browser.findElement(By.id("email")).sendKeys("someone@example.com");
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		WebElement error = Chromium.await(browser, By.id("email-error"));
		assertThat(error.getText()).startsWith("Dit adres geeft geen toegang");
		assertThat(browser.switchTo().activeElement().getAttribute("id")).as("focus on the field").isEqualTo("email");
		assertThat(browser.findElement(By.id("email")).getAttribute("aria-describedby")).isEqualTo("email-error");
		Chromium.screenshot(browser, "02-wrong-address");

		browser.findElement(By.id("email")).clear();
		browser.findElement(By.id("email")).sendKeys("Anna@Example.com");
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleContains("Invoice"));
		// The document on an origin of its own: the handoff set its session there.
		String documentUrl = browser.getCurrentUrl();
		assertThat(documentUrl).matches("http://[a-z2-7]{20}\\.localhost:" + PORT + "/")
			.doesNotContain(url.substring(url.lastIndexOf('/')));
		assertThat(browser.findElement(By.id("assertion")).getText()).startsWith("Gateway assertion verified");
		Chromium.screenshot(browser, "03-invoice");

		int paymentsBefore = this.documents.payments();
		browser.findElement(By.cssSelector("form[action=pay] button")).click();
		new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleIs("Payment received"));
		assertThat(this.documents.payments()).isEqualTo(paymentsBefore + 1);
		Chromium.screenshot(browser, "04-paid");

		// The payment provider told the invoicing application, which marks the payment
		// done: the pay pages now say so, and a second Pay reaches nobody.
		admin().patch(tenant, "/links/" + link.id(), Map.of("completed", List.of("pay"))).expectStatus().isOk();
		browser.get(documentUrl);
		browser.findElement(By.cssSelector("form[action=pay] button")).click();
		new WebDriverWait(browser, Duration.ofSeconds(10))
			.until(ExpectedConditions.titleContains("Deze factuur is al betaald"));
		assertThat(this.documents.payments()).as("not forwarded again").isEqualTo(paymentsBefore + 1);
		Chromium.screenshot(browser, "04b-already-paid-nl");
		browser.get(documentUrl + "pay");
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Deze factuur is betaald");
		Chromium.screenshot(browser, "04c-paid-page-nl");

		WebDriver elsewhere = browser("en");
		elsewhere.get(documentUrl);
		assertThat(elsewhere.findElement(By.tagName("h1")).getText()).isEqualTo("Open the link from your e-mail again");
		assertThat(elsewhere.getPageSource()).doesNotContain("Invoice 2026-0042");
		Chromium.screenshot(elsewhere, "05-copied-url-elsewhere");
	}

	@Test
	@Behaviour({ "57", "58" })
	void recipientSharesWithAColleagueWhoOpensWithTheirOwnAddressAndCannotPay() throws IOException {
		String tenant = Admin.newTenant();
		CreatedLink link = createLink(tenant, "/demo/invoices/2026-0077");
		WebDriver anna = browser("en");
		anna.get(link.url());
		anna.findElement(By.id("email")).sendKeys("anna@example.com");
		anna.findElement(By.cssSelector("button[type=submit]")).click();
		new WebDriverWait(anna, Duration.ofSeconds(10)).until(ExpectedConditions.titleContains("Invoice"));
		String documentUrl = anna.getCurrentUrl();
		anna.findElement(By.id("share")).click();
		new WebDriverWait(anna, Duration.ofSeconds(10)).until(ExpectedConditions.titleIs("Share this document"));
		assertThat(anna.getCurrentUrl()).isEqualTo(documentUrl + "_gw/share");
		assertThat(anna.findElement(By.tagName("main")).getText()).contains("View the document (always)")
			.contains("They will not be able to share it with anyone else.")
			.doesNotContain("Pay it");
		List<String> violations = new ArrayList<>();
		for (String language : List.of("en", "fr", "nl", "de")) {
			scan(anna, documentUrl + "_gw/share?lang=" + language, "share-" + language, violations);
			assertThat(anna.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(language);
		}
		anna.get(documentUrl + "_gw/share");
		anna.findElement(By.cssSelector("form:not(.withdraw) button[type=submit]")).click();
		Chromium.await(anna, By.id("email-error"));
		violations.addAll(axe(anna, "share-blank-en"));
		anna.findElement(By.id("email")).sendKeys("ben@example.org");
		anna.findElement(By.cssSelector("form:not(.withdraw) button[type=submit]")).click();
		WebElement done = Chromium.await(anna, By.cssSelector("[role=status]"));
		assertThat(done.getText()).startsWith("Done: forward them the e-mail");
		assertThat(anna.findElement(By.cssSelector("ul.added")).getText()).contains("Person 1").contains("may view");
		assertThat(anna.getPageSource()).doesNotContain("ben@example.org");
		violations.addAll(axe(anna, "share-done-en"));

		WebDriver ben = browser("en");
		ben.get(link.url());
		ben.findElement(By.id("email")).sendKeys("Ben@Example.org");
		ben.findElement(By.cssSelector("button[type=submit]")).click();
		new WebDriverWait(ben, Duration.ofSeconds(10)).until(ExpectedConditions.titleContains("Invoice"));
		assertThat(ben.getCurrentUrl()).isEqualTo(documentUrl);
		assertThat(ben.findElement(By.id("delegation")).getText())
			.isEqualTo("Opened by recipient 1, on behalf of recipient 0, who shared it.");
		assertThat(ben.findElements(By.id("share"))).as("no re-sharing").isEmpty();
		Chromium.screenshot(ben, "share-colleague-document");
		int paymentsBefore = this.documents.payments();
		ben.findElement(By.cssSelector("form[action=pay] button")).click();
		new WebDriverWait(ben, Duration.ofSeconds(10))
			.until(ExpectedConditions.not(ExpectedConditions.titleContains("Invoice")));
		assertThat(this.documents.payments()).as("the colleague may only view").isEqualTo(paymentsBefore);
		Chromium.screenshot(ben, "share-colleague-pay-refused");
		for (String language : List.of("en", "fr", "nl", "de")) {
			scan(ben, documentUrl + "_gw/share?lang=" + language, "share-not-shareable-" + language, violations);
		}

		// Ben was not meant to get it after all: he says so, and his access ends.
		for (String language : List.of("en", "fr", "nl", "de")) {
			scan(ben, documentUrl + "_gw/not-for-me?lang=" + language, "not-for-me-" + language, violations);
		}
		ben.get(documentUrl);
		ben.findElement(By.id("not-for-me")).click();
		new WebDriverWait(ben, Duration.ofSeconds(10))
			.until(ExpectedConditions.titleIs("Was this document not meant for you?"));
		ben.findElement(By.cssSelector("button[type=submit]")).click();
		new WebDriverWait(ben, Duration.ofSeconds(10)).until(ExpectedConditions.titleIs("Thank you for telling us"));
		violations.addAll(axe(ben, "not-for-me-done"));
		ben.get(documentUrl);
		assertThat(ben.findElement(By.tagName("h1")).getText()).isEqualTo("Open the link from your e-mail again");
		assertThat(violations).isEmpty();
	}

	@Test
	void pagesWhenScannedByAxeInEveryLanguageThenNoWcag22AaViolation() throws IOException {
		String tenant = Admin.newTenant();
		senderName(tenant, "Acme Invoicing");
		String url = createLink(tenant, "/demo/offers/2026-007").url();
		WebDriver browser = browser("en");
		List<String> violations = new ArrayList<>();
		for (String language : List.of("en", "fr", "nl", "de")) {
			scan(browser, url + "?lang=" + language, "prompt-" + language, violations);
			assertThat(browser.findElement(By.cssSelector("p.sender")).getText()).as(language)
				.startsWith("Acme Invoicing ");
			browser.findElement(By.id("email")).sendKeys("wrong@example.com");
			browser.findElement(By.cssSelector("button[type=submit]")).click();
			Chromium.await(browser, By.id("email-error"));
			violations.addAll(axe(browser, "prompt-error-" + language));
			scan(browser, BASE + "/l/not-a-link?lang=" + language, "notfound-" + language, violations);
			// The not-found page's form to ask for a new link: sent empty, then with an
			// address (the answer is the same whatever the code).
			browser.findElement(By.cssSelector("section.renewal button[type=submit]")).click();
			Chromium.await(browser, By.id("renewal-error"));
			violations.addAll(axe(browser, "renewal-blank-" + language));
			browser.findElement(By.id("renewal-email")).sendKeys("anna@example.com");
			browser.findElement(By.cssSelector("section.renewal button[type=submit]")).click();
			new WebDriverWait(browser, Duration.ofSeconds(10))
				.until(ExpectedConditions.invisibilityOfElementLocated(By.id("renewal-email")));
			assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(language);
			violations.addAll(axe(browser, "renewal-sent-" + language));
			scan(browser, "http://aaaaaaaaaaaaaaaaaaaa.localhost:" + PORT + "/?lang=" + language, "session-" + language,
					violations);
		}
		assertThat(violations).isEmpty();
	}

	@Test
	void customerInTheCodeModeTypesTheCodeFromTheMailAndLandsOnTheDocumentInEachLanguage() throws IOException {
		String tenant = Admin.newTenant();
		admin().settings(tenant, Map.of("verification", "code", "supportAccess", false, "displayName", "Bright Energy"))
			.expectStatus()
			.isOk();
		Map<String, List<String>> texts = Map.of("en", List.of("Send me a code", "a code is on its way", "Open"), "fr",
				List.of("Envoyez-moi un code", "un code est en route", "Ouvrir"), "nl",
				List.of("Stuur mij een code", "is er een code naar onderweg", "Openen"), "de",
				List.of("Code senden", "ist ein Code dorthin unterwegs", "Öffnen"));
		List<String> violations = new ArrayList<>();
		int mails = 0;
		for (String language : List.of("en", "fr", "nl", "de")) {
			String url = createLink(tenant, "/demo/invoices/2026-0045").url();
			WebDriver browser = browser(language);
			browser.get(url);
			assertThat(browser.findElement(By.cssSelector("button[type=submit]")).getText())
				.isEqualTo(texts.get(language).get(0));
			violations.addAll(axe(browser, "code-01-prompt-" + language));
			browser.findElement(By.id("email")).sendKeys("anna@example.com");
			browser.findElement(By.cssSelector("button[type=submit]")).click();
			WebElement otp = Chromium.await(browser, By.id("otp"));
			assertThat(otp.getAttribute("autocomplete")).isEqualTo("one-time-code");
			assertThat(browser.findElement(By.tagName("main")).getText()).contains(texts.get(language).get(1));
			violations.addAll(axe(browser, "code-02-code-page-" + language));

			// The visitor reads the mail in another tab, as in a webmail.
			String codeTab = browser.getWindowHandle();
			browser.switchTo().newWindow(WindowType.TAB);
			mails++;
			int expected = mails;
			String mailbox = "http://localhost:" + DEMO_PORT + "/_demo/mail";
			new WebDriverWait(browser, Duration.ofSeconds(20)).until((driver) -> {
				driver.get(mailbox);
				return driver.findElements(By.tagName("article")).size() >= expected;
			});
			WebElement mail = browser.findElement(By.tagName("article"));
			String text = mail.findElement(By.tagName("pre")).getText();
			Matcher code = Pattern.compile("(?m)^\\s*(\\d{6})\\s*$").matcher(text);
			assertThat(code.find()).as(text).isTrue();
			assertThat(mail.findElement(By.tagName("h2")).getText()).contains("Bright Energy")
				.doesNotContain(code.group(1));
			Chromium.screenshot(browser, "code-03-mailbox-" + language);
			mail.findElement(By.linkText("as HTML")).click();
			new WebDriverWait(browser, Duration.ofSeconds(10))
				.until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), code.group(1)));
			assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo(language);
			assertThat(browser.findElements(By.cssSelector("a[href]"))).as("no link a scanner could spend").isEmpty();
			Chromium.screenshot(browser, "code-04-mail-" + language);
			browser.close();
			browser.switchTo().window(codeTab);

			browser.findElement(By.id("otp")).sendKeys(code.group(1).equals("000000") ? "111111" : "000000");
			browser.findElement(By.cssSelector("main > form button[type=submit]")).click();
			Chromium.await(browser, By.id("otp-error"));
			violations.addAll(axe(browser, "code-05-wrong-code-" + language));
			browser.findElement(By.id("otp")).sendKeys(code.group(1));
			browser.findElement(By.cssSelector("main > form button[type=submit]")).click();
			new WebDriverWait(browser, Duration.ofSeconds(10)).until(ExpectedConditions.titleContains("Invoice"));
			assertThat(browser.findElement(By.id("assertion")).getText()).startsWith("Gateway assertion verified");
			Chromium.screenshot(browser, "code-06-document-" + language);
			this.chromium.close();
		}
		assertThat(violations).isEmpty();
	}

	private void scan(WebDriver browser, String url, String name, List<String> violations) throws IOException {
		browser.get(url);
		violations.addAll(axe(browser, name));
	}

	private List<String> axe(WebDriver browser, String name) throws IOException {
		Chromium.screenshot(browser, "axe-" + name);
		Results results = new AxeBuilder().withTags(List.of("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"))
			.analyze(browser);
		assertThat(results.getPasses()).as("axe ran on " + name).isNotEmpty();
		List<String> found = new ArrayList<>();
		for (Rule rule : results.getViolations()) {
			found.add(name + ": " + rule.getId() + " " + rule.getHelp());
		}
		return found;
	}

	private CreatedLink createLink(String tenant, String document) {
		return admin().createLink(tenant, Map.of("document", document, "recipients", List.of("anna@example.com"),
				"rights", List.of("pay", "sign")));
	}

	/** Gives the tenant a display name, shown on its prompt. */
	private static void senderName(String tenant, String name) {
		admin().settings(tenant, Map.of("emailVerification", true, "supportAccess", false, "displayName", name))
			.expectStatus()
			.isOk();
	}

	private static Admin admin() {
		return new Admin(WebTestClient.bindToServer().baseUrl(BASE).responseTimeout(Duration.ofSeconds(30)).build());
	}

	private WebDriver browser(String acceptLanguage) throws IOException {
		return this.chromium.open(acceptLanguage);
	}

}
