package dev.securelink.gateway.demo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.core.ConditionTimeoutException;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.Ports;
import dev.securelink.gateway.support.Secrets;
import dev.securelink.gateway.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a newcomer sees after {@code ./mvnw spring-boot:run}: the demo profile prints
 * working links and a curl whose token the admin API accepts.
 */
class DemoTests {

	@Test
	void startWhenDemoProfileThenPrintsLinksThatWorkAndATokenTheAdminApiAccepts() throws Exception {
		int port = Ports.free();
		ByteArrayOutputStream printed = new ByteArrayOutputStream();
		PrintStream original = System.out;
		System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
		// A database of its own: the shared test gateway's mail worker would otherwise
		// send the demo's mails through the tests' relay instead of the demo's.
		String database = "demo_" + UUID.randomUUID().toString().replace("-", "");
		try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
			statement.execute("create database " + database);
		}
		try (ConfigurableApplicationContext demo = Instances.start(new String[] { "demo" }, "--server.port=" + port,
				"--securelink.test.in-process=true",
				"--spring.r2dbc.url=" + TestDatabase.server().onDatabase(database).r2dbcUrl(),
				"--management.server.port=0", "--securelink.demo.port=" + Ports.free(),
				"--securelink.public-base-url=http://localhost:" + port, "--securelink.test.issuer=false",
				"--securelink.documents.shared-origin=false", "--securelink.test.mail=false",
				"--securelink.data-dir=" + Files.createTempDirectory("securelink-demo"))) {
			String banner = awaitBanner(printed);
			System.setOut(original);
			WebTestClient client = WebTestClient.bindToServer()
				.baseUrl("http://localhost:" + port)
				.responseTimeout(Duration.ofSeconds(30))
				.build();

			String checked = path(banner, "Invoice from Acme Invoicing (demo), e-mail check on");
			for (Map.Entry<String, String> language : Map
				.of("nl", "Acme Invoicing (demo) heeft u dit document gestuurd.", "de",
						"Acme Invoicing (demo) hat Ihnen dieses Dokument gesendet.")
				.entrySet()) {
				String prompt = client.get()
					.uri(checked)
					.header(HttpHeaders.ACCEPT_LANGUAGE, language.getKey())
					.exchange()
					.expectStatus()
					.isOk()
					.expectBody(String.class)
					.returnResult()
					.getResponseBody();
				assertThat(Jsoup.parse(prompt).select("html").attr("lang")).as("the browser's language")
					.isEqualTo(language.getKey());
				assertThat(Jsoup.parse(prompt).select("p.sender").text()).isEqualTo(language.getValue());
			}
			String fixed = path(banner, "Invoice whose link was created with locale \"fr\"");
			String french = client.get()
				.uri(fixed)
				.header(HttpHeaders.ACCEPT_LANGUAGE, "de")
				.exchange()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody();
			assertThat(Jsoup.parse(french).select("html").attr("lang")).as("the link's locale wins").isEqualTo("fr");
			String open = path(banner, "Invoice of a company with the e-mail check off");
			String document = client.get()
				.uri(open)
				.exchange()
				.expectStatus()
				.isSeeOther()
				.expectBody(String.class)
				.returnResult()
				.getResponseHeaders()
				.getLocation()
				.toString();
			// The demo serves each document on an origin of its own, {link}.localhost:
			// the handoff sets the session there and lands on the document.
			Matcher handoff = Pattern.compile("http://([a-z2-7]{20}\\.localhost:" + port + ")(/_gw/handoff\\?t=\\S+)")
				.matcher(document);
			assertThat(handoff.matches()).as(document).isTrue();
			ResponseCookie session = client.get()
				.uri(handoff.group(2))
				.header(HttpHeaders.HOST, handoff.group(1))
				.exchange()
				.expectStatus()
				.isSeeOther()
				.expectHeader()
				.location("/")
				.returnResult(String.class)
				.getResponseCookies()
				.toSingleValueMap()
				.values()
				.iterator()
				.next();
			client.get()
				.uri("/")
				.header(HttpHeaders.HOST, handoff.group(1))
				.cookie(session.getName(), session.getValue())
				.exchange()
				.expectStatus()
				.isOk();

			// The company in the code mode: the address, then the code from the demo's
			// mailbox page, opens the document.
			String coded = path(banner, "Invoice from Bright Energy (demo), which proves the mailbox");
			Matcher mailbox = Pattern.compile("The mails the gateway sent:\\s+(http://localhost:\\d+/_demo/mail)")
				.matcher(banner);
			assertThat(mailbox.find()).as(banner).isTrue();
			Browser visitor = new Browser(client);
			String origin = "http://localhost:" + port;
			EntityExchangeResult<String> codePage = visitor.postFrom(origin, coded,
					Map.of("email", "anna@example.com", "csrf", Browser.csrfToken(visitor.get(coded))));
			assertThat(codePage.getResponseBody()).contains("a code is on its way");
			WebTestClient demoService = WebTestClient.bindToServer().baseUrl(mailbox.group(1)).build();
			String[] code = new String[1];
			await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
				String page = demoService.get().exchange().expectBody(String.class).returnResult().getResponseBody();
				Matcher inPre = Pattern.compile("(\\d{6})").matcher(Jsoup.parse(page).select("pre").text());
				assertThat(page).contains("Your code for a document from Bright Energy (demo)", "to anna@example.com");
				assertThat(inPre.find()).isTrue();
				code[0] = inPre.group(1);
			});
			EntityExchangeResult<String> opened = visitor.postFrom(origin, coded,
					Map.of("otp", Secrets.remember(code[0]), "csrf", Browser.csrfToken(visitor.get(coded))));
			assertThat(opened.getStatus().value()).isEqualTo(303);

			Matcher token = Pattern.compile("export TOKEN=(\\S+)").matcher(banner);
			assertThat(token.find()).isTrue();
			client.get()
				.uri("/admin/v1/tenants/demo/links")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + token.group(1))
				.exchange()
				.expectStatus()
				.isOk()
				.expectBody()
				.jsonPath("$.items.length()")
				.isEqualTo(3);
			// The demo's receiver verified the webhooks of the demo tenant's two links
			// (and of every step above that belongs to it).
			await().atMost(Duration.ofSeconds(20))
				.until(() -> demo.getBean(DemoDocumentService.class).verifiedWebhooks() >= 2);
			client.get()
				.uri("/admin/v1/tenants/demo/webhooks")
				.header(HttpHeaders.AUTHORIZATION, "Bearer " + token.group(1))
				.exchange()
				.expectBody()
				.jsonPath("$.items.length()")
				.isEqualTo(1);
		}
		finally {
			System.setOut(original);
			try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
				statement.execute("drop database if exists " + database + " with (force)");
			}
		}
	}

	private static String awaitBanner(ByteArrayOutputStream printed) {
		try {
			await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
				String output = printed.toString(StandardCharsets.UTF_8);
				// The token line is the banner's last: once it is there, the banner is
				// whole.
				return output.contains("=== securelink-gateway demo ===") && output.contains("export TOKEN=")
						&& output.substring(output.indexOf("export TOKEN=")).contains("\n");
			});
		}
		catch (ConditionTimeoutException ex) {
			String output = printed.toString(StandardCharsets.UTF_8);
			throw new AssertionError("the demo printed no links within a minute; it printed:\n"
					+ output.substring(Math.max(0, output.length() - 20000)), ex);
		}
		return printed.toString(StandardCharsets.UTF_8);
	}

	/** The path of the link printed on the line after {@code heading}. */
	private static String path(String banner, String heading) {
		Matcher link = Pattern.compile(Pattern.quote(heading) + "[^\\n]*\\n\\s*http://localhost:\\d+(/l/\\S+)")
			.matcher(banner);
		assertThat(link.find()).as(heading).isTrue();
		return link.group(1);
	}

}
