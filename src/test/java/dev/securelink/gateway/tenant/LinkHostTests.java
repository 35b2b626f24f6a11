package dev.securelink.gateway.tenant;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.BodyInserters;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.Secrets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A company's own link hosts: the admin API that gives and takes them, the links created
 * for the company, and what {@code /l/{code}} opens on such a host. The requests name the
 * host in {@code Host}, as the ingress passes it on.
 */
class LinkHostTests extends GatewayFixture {

	@Autowired
	LinkHosts hosts;

	private String host() {
		return "docs." + this.tenant + ".example";
	}

	private CreatedLink link() {
		return this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/host", "anna@example.com"));
	}

	/** What {@code GET path} on {@code host} shows: the page marker, or the status. */
	private String page(String host, String path) {
		EntityExchangeResult<String> answer = this.client.get()
			.uri(path)
			.header(HttpHeaders.HOST, host)
			.header("X-Forwarded-For", "10.77.0.1")
			.exchange()
			.expectBody(String.class)
			.returnResult();
		String page = answer.getResponseHeaders().getFirst("X-SecureLink-Page");
		return (page != null) ? page : String.valueOf(answer.getStatus().value());
	}

	@Test
	@Behaviour("47")
	void putWhenNewThenCreatedAuditedAndTheTenantsLinksCarryIt() {
		this.admin.put(this.tenant, "/link-hosts/" + host())
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.host")
			.isEqualTo(host())
			.jsonPath("$.origin")
			.isEqualTo("http://" + host() + ":8080");
		this.admin.put(this.tenant, "/link-hosts/" + host().toUpperCase(java.util.Locale.ROOT) + ".")
			.exchange()
			.expectStatus()
			.isOk();
		this.admin.get(this.tenant, "/link-hosts")
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.items.length()")
			.isEqualTo(1)
			.jsonPath("$.items[0].host")
			.isEqualTo(host());
		assertThat(
				Queries.number(this.db,
						"select count(*) from access_event where tenant_id = $1 and type = 'link_host_added' "
								+ "and detail = '{\"host\":\"" + host() + "\"}'",
						this.tenant))
			.as("audited once")
			.isEqualTo(1);

		assertThat(link().url()).startsWith("http://" + host() + ":8080/l/");
	}

	@Test
	@Behaviour("47")
	void putWhenAnotherTenantHasTheHostInAnySpellingThen409NamingIt() {
		this.admin.put(this.tenant, "/link-hosts/" + host()).exchange().expectStatus().isCreated();
		String other = Admin.newTenant();
		for (String spelling : List.of(host(), host().toUpperCase(java.util.Locale.ROOT), host() + ".")) {
			this.admin.put(other, "/link-hosts/" + spelling)
				.exchange()
				.expectStatus()
				.isEqualTo(409)
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("host");
		}
		this.admin.get(other, "/link-hosts").exchange().expectBody().jsonPath("$.items.length()").isEqualTo(0);
	}

	@ParameterizedTest
	@ValueSource(strings = { "localhost", "example", "192.0.2.1", "a..example", "-a.example", "a-.example",
			"a_b.example", "xn--.example", "a.b.123" })
	@Behaviour("47")
	void putWhenNotAHostNameThen400NamingHost(String host) {
		this.admin.put(this.tenant, "/link-hosts/" + host)
			.exchange()
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("host");
		this.admin.get(this.tenant, "/link-hosts").exchange().expectBody().jsonPath("$.items.length()").isEqualTo(0);
	}

	@Test
	@Behaviour("47")
	void putWhenAnInternationalNameThenStoredInItsAsciiForm() {
		this.admin.put(this.tenant, "/link-hosts/dossiers.bücher." + this.tenant + ".example")
			.exchange()
			.expectStatus()
			.isCreated()
			.expectBody()
			.jsonPath("$.host")
			.isEqualTo("dossiers.xn--bcher-kva." + this.tenant + ".example");
	}

	@Test
	@Behaviour("47")
	void openWhenACodeComesToItsTenantsHostThenItOpensOnAnotherTenantsHostItIsAnUnknownCode() {
		this.admin.put(this.tenant, "/link-hosts/" + host()).exchange().expectStatus().isCreated();
		String other = Admin.newTenant();
		String othersHost = "docs." + other + ".example";
		this.admin.put(other, "/link-hosts/" + othersHost).exchange().expectStatus().isCreated();
		CreatedLink mine = link();
		CreatedLink theirs = this.admin.createLink(other, Admin.linkRequest("/invoices/other", "bob@example.com"));

		assertThat(page(host(), mine.path())).as("its tenant's host").isEqualTo("prompt");
		assertThat(page("localhost", mine.path())).as("the gateway's host").isEqualTo("prompt");
		assertThat(page(host(), theirs.path())).as("another tenant's code").isEqualTo("notfound");
		assertThat(page(host(), "/l/" + "A".repeat(theirs.code().length()))).as("an unknown code")
			.isEqualTo("notfound");
		assertThat(page(host() + ":8080", theirs.path() + "/sign")).isEqualTo("notfound");
		assertThat(page(host() + ".", theirs.path())).as("the host spelled fully qualified").isEqualTo("notfound");
		assertThat(page(host().toUpperCase(java.util.Locale.ROOT) + ".:8080", theirs.path())).isEqualTo("notfound");
		assertThat(page(othersHost, theirs.path())).isEqualTo("prompt");
	}

	@Test
	@Behaviour("47")
	void settingsWhenTheTenantKeepsItsLinksOffTheGatewaysHostThenOnlyItsOwnHostOpensThem() {
		this.admin
			.settings(this.tenant,
					Map.of("emailVerification", true, "supportAccess", false, "linksOnGatewayHost", false))
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("linksOnGatewayHost");
		this.admin.put(this.tenant, "/link-hosts/" + host()).exchange().expectStatus().isCreated();
		this.admin
			.settings(this.tenant,
					Map.of("emailVerification", true, "supportAccess", false, "linksOnGatewayHost", false))
			.expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.linksOnGatewayHost")
			.isEqualTo(false);
		CreatedLink link = link();

		assertThat(page("localhost", link.path())).isEqualTo("notfound");
		assertThat(page(host(), link.path())).isEqualTo("prompt");
		this.admin.delete(this.tenant, "/link-hosts/" + host())
			.exchange()
			.expectStatus()
			.isEqualTo(409)
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("host");
		this.admin.delete(this.tenant, "/link-hosts/other." + host()).exchange().expectStatus().isNotFound();
	}

	@Test
	@Behaviour("47")
	void deleteWhenTheHostGoesThenAuditedAndTheHostIsNoLongerTheTenants() {
		this.admin.put(this.tenant, "/link-hosts/" + host()).exchange().expectStatus().isCreated();
		String other = Admin.newTenant();
		CreatedLink theirs = this.admin.createLink(other, Admin.linkRequest("/invoices/other", "bob@example.com"));
		assertThat(page(host(), theirs.path())).isEqualTo("notfound");

		this.admin.delete(this.tenant, "/link-hosts/" + host()).exchange().expectStatus().isNoContent();

		assertThat(page(host(), theirs.path())).as("any other host is the gateway's").isEqualTo("prompt");
		assertThat(link().url()).startsWith("http://localhost:8080/l/");
		assertThat(Queries.number(this.db,
				"select count(*) from access_event where tenant_id = $1 and type = 'link_host_removed'", this.tenant))
			.isEqualTo(1);
	}

	@Test
	@Behaviour("47")
	void verifyWhenThePromptIsAnsweredOnTheTenantsHostThenItsFormComesFromThatOriginOnly() {
		this.admin.put(this.tenant, "/link-hosts/" + host()).exchange().expectStatus().isCreated();
		CreatedLink link = link();
		EntityExchangeResult<String> prompt = this.client.get()
			.uri(link.path())
			.header(HttpHeaders.HOST, host())
			.exchange()
			.expectBody(String.class)
			.returnResult();
		String csrf = Browser.csrfToken(prompt);
		String nonce = prompt.getResponseCookies().toSingleValueMap().values().iterator().next().getValue();
		Secrets.remember("anna@example.com");
		for (String origin : List.of("http://localhost:8080", "http://" + host() + ":8080")) {
			int status = this.client.post()
				.uri(link.path())
				.header(HttpHeaders.HOST, host())
				.header(HttpHeaders.ORIGIN, origin)
				.cookie(prompt.getResponseCookies().toSingleValueMap().keySet().iterator().next(), nonce)
				.contentType(MediaType.APPLICATION_FORM_URLENCODED)
				.body(BodyInserters.fromFormData("email", "anna@example.com").with("csrf", csrf))
				.exchange()
				.returnResult(String.class)
				.getStatus()
				.value();
			assertThat(status).as(origin).isEqualTo(origin.contains(host()) ? 303 : 403);
		}
	}

}
