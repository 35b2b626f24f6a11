package dev.securelink.gateway.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.Secrets;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deliveries to a real receiver on loopback: what each step of a recipient's flow
 * delivers, the signatures, the retry schedule, 410, recovery, and the outbox across
 * instances and restarts.
 */
@GatewayTest
class WebhookDeliveryTests {

	private static final String WRITE = "webhooks:write";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@Autowired
	WebTestClient client;

	@Autowired
	DatabaseClient db;

	@Autowired
	WebhookDispatcher dispatcher;

	@Autowired
	dev.securelink.gateway.link.RecipientMacs macs;

	@org.springframework.boot.test.web.server.LocalManagementPort
	int managementPort;

	WebhookReceiver receiver;

	String tenant;

	@BeforeEach
	void start() {
		this.receiver = new WebhookReceiver();
		this.tenant = Admin.newTenant();
	}

	@AfterEach
	void stop() {
		this.receiver.close();
	}

	@Test
	void flowWhenEachStepIsTakenThenExactlyItsEventSignedAndWithoutPersonalData() {
		Endpoint endpoint = endpoint(List.of("link.*", "sign.*", "tenant.*"));
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(this.tenant, Map.of("document", "/invoices/hook", "recipients",
				List.of("anna@example.com"), "rights", List.of("sign")));
		Browser browser = new Browser(this.client).ip("198.51.100.7");
		browser.get(link.path());
		browser.verify(link.path(), "mallory@example.com");
		browser.verify(link.path(), "anna@example.com");
		browser.get(link.documentSpace());
		browser.get(link.documentSpace());
		assertThat(browser.post("/d/" + link.id() + "/sign/confirm", Map.of("signature", "Anna")).getStatus().value())
			.isEqualTo(200);
		admin.settings(this.tenant, false);
		admin.revoke(this.tenant, link.id());

		// The accepted signature completes the link's signature (it signs once).
		List<String> expected = List.of("link.created", "link.verification_failed", "link.verified", "link.opened",
				"sign.submitted", "link.completed", "tenant.settings_changed", "link.revoked");
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(this.receiver.received().stream().map(WebhookDeliveryTests::type))
				.containsAll(expected));
		// Nothing more comes: the /l/ GET (a mail scanner's too), the second document
		// request, the sign request before it was answered are not delivered.
		Queries.awaitSealed(this.db, this.tenant);
		await().pollDelay(Duration.ofMillis(500)).until(() -> true);
		List<WebhookReceiver.Received> received = this.receiver.received();
		assertThat(received.stream().map(WebhookDeliveryTests::type)).containsExactlyInAnyOrderElementsOf(expected);

		StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(endpoint.secret());
		for (WebhookReceiver.Received request : received) {
			assertThat(verifier.verify(request)).as(type(request)).isTrue();
			String changed = request.body().replaceFirst("\"tenantId\":\"t-", "\"tenantId\":\"u-");
			assertThat(verifier.verify(request.messageId(), request.header("webhook-timestamp"),
					request.header("webhook-signature"), changed, Instant.now()))
				.as("one byte changed")
				.isFalse();
			assertThat(request.header("content-type")).startsWith("application/json");
			assertThat(request.body().length()).isLessThanOrEqualTo(20 * 1024);
			assertThat(request.body()).doesNotContain("anna@example.com", "mallory@example.com", link.code(),
					"198.51.100.7", "invoicing-app", "cookie", "client");
		}
		JsonNode failed = data(only(received, "link.verification_failed"));
		assertThat(failed.get("failures").asInt()).isEqualTo(1);
		assertThat(failed.get("threshold").asInt()).isEqualTo(5);
		assertThat(failed.get("linkId").asString()).isEqualTo(link.id());
		JsonNode signed = data(only(received, "sign.submitted"));
		assertThat(signed.get("status").asInt()).isEqualTo(200);
		assertThat(signed.get("answeredBy").asString()).isEqualTo("upstream");
		JsonNode audit = signed.get("auditEvent");
		long eventId = audit.get("id").asLong();
		assertThat(audit.get("hash").asString()).isEqualTo(java.util.Base64.getEncoder()
			.encodeToString(this.db.sql("select hash from access_event where id = :id")
				.bind("id", eventId)
				.map((row) -> row.get("hash", byte[].class))
				.one()
				.block()));
		assertThat(data(only(received, "tenant.settings_changed")).get("after").get("emailVerification").asBoolean())
			.isFalse();

		// The stored records hold no address, code or secret either.
		String stored = this.db
			.sql("select coalesce(string_agg(d.body || coalesce(a.response, ''), ' '), '') as text "
					+ "from webhook_delivery d left join webhook_attempt a on a.delivery_id = d.id "
					+ "where d.tenant_id = :tenant")
			.bind("tenant", this.tenant)
			.map((row) -> row.get("text", String.class))
			.one()
			.block();
		assertThat(stored).isNotEmpty()
			.doesNotContain("anna@example.com", link.code(), endpoint.secret().substring(6), "198.51.100.7");
	}

	@Test
	void deliveryWhenTheReceiverReadsOnlyTheDeclaredLengthThenItGetsTheWholeSignedBody() throws Exception {
		try (LengthOnlyReceiver minimal = new LengthOnlyReceiver()) {
			Map<?, ?> created = call("POST", "/admin/v1/tenants/" + this.tenant + "/webhooks",
					Map.of("url", minimal.url("/hook"), "eventTypes", List.of("webhook.test")))
				.expectStatus()
				.isCreated()
				.expectBody(Map.class)
				.returnResult()
				.getResponseBody();
			Endpoint endpoint = new Endpoint(this.tenant, (String) created.get("id"),
					Secrets.remember((String) created.get("secret")));
			minimal.secret(endpoint.secret());

			awaitDelivery(endpoint, test(endpoint), "succeeded");

			assertThat(minimal.seen()).singleElement().satisfies((seen) -> {
				assertThat(seen.verified()).as("the body it read verifies").isTrue();
				assertThat(seen.headers()).doesNotContainKey("transfer-encoding");
				assertThat(seen.headers().get("content-length"))
					.isEqualTo(String.valueOf(seen.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
				assertThat(seen.body()).startsWith("{\"type\":\"webhook.test\"");
			});
		}
	}

	@Test
	void lockWhenSetAndLiftedThenLinkLockedWithItsScopeAndLinkUnlocked() {
		endpoint(List.of("link.locked", "link.unlocked"));
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(this.tenant, Admin.linkRequest("/invoices/unlocked", "anna@example.com"));
		Browser guesser = new Browser(this.client).ip("198.51.100.78");
		for (int i = 0; i < 5; i++) {
			guesser.verify(link.path(), "guess" + i + "@example.com");
		}
		admin.post(this.tenant, "/links/" + link.id() + "/unlock").exchange().expectStatus().isOk();

		JsonNode locked = data(this.receiver.await("link.locked", 1).get(0));
		assertThat(locked.get("scope").asString()).isEqualTo("client");
		assertThat(locked.get("lockedUntil").asString()).isNotEmpty();
		assertThat(locked.get("failures").asInt()).isEqualTo(5);
		JsonNode unlocked = data(this.receiver.await("link.unlocked", 1).get(0));
		assertThat(unlocked.get("linkId").asString()).isEqualTo(link.id());
		assertThat(this.receiver.received().get(1).body()).doesNotContain("invoicing-app");
	}

	@Test
	void renewalWhenTheLockedRecipientAsksForANewLinkThenRenewalRequestedWithItsIndexAndNoAddress() {
		endpoint(List.of("link.renewal_requested"));
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(this.tenant,
				Admin.linkRequest("/invoices/renewal", "anna@example.com", "bert@example.com"));
		Browser bert = new Browser(this.client).ip("198.51.100.79");
		EntityExchangeResult<String> locked = null;
		for (int i = 0; i < 5; i++) {
			locked = bert.verify(link.path(), "typo" + i + "@example.com");
		}
		assertThat(locked.getStatus().value()).isEqualTo(429);
		Map<String, String> form = Map.of("email", "bert@example.com", "csrf", Browser.csrfToken(locked));
		bert.post(link.path() + "/renew", form);
		bert.post(link.path() + "/renew", form);

		WebhookReceiver.Received received = this.receiver.await("link.renewal_requested", 1).get(0);
		JsonNode data = data(received);
		assertThat(data.get("linkId").asString()).isEqualTo(link.id());
		assertThat(data.get("recipient").asInt()).isEqualTo(1);
		assertThat(received.body()).doesNotContain("bert@example.com", link.code(), "198.51.100.79");
		Queries.awaitSealed(this.db, this.tenant);
		await().pollDelay(Duration.ofMillis(500)).until(() -> true);
		assertThat(this.receiver.received()).as("the second request of the day is dropped").hasSize(1);
	}

	@Test
	@dev.securelink.gateway.support.Behaviour("59")
	void shareWhenARecipientSharesAndTheAdminRemovesThenIndexesOnlyNeverTheAddressOrItsHash() {
		endpoint(List.of("link.recipient_added", "link.recipient_removed"));
		Admin admin = new Admin(this.client);
		CreatedLink link = admin.createLink(this.tenant,
				Map.of("document", "/invoices/shared-hook", "recipients", List.of("anna@example.com")));
		Browser anna = new Browser(this.client).ip("198.51.100.88");
		anna.verify(link.path(), "anna@example.com");
		String share = "/_gw/share/" + link.id();
		EntityExchangeResult<String> page = anna.get(share);
		String colleague = Secrets.remember("carl.accounting@example.org");
		assertThat(anna.post(share, Map.of("csrf", Browser.csrfToken(page), "op", "share", "email", colleague))
			.getStatus()
			.value()).isEqualTo(200);
		admin.delete(this.tenant, "/links/" + link.id() + "/recipients/1").exchange().expectStatus().isNoContent();

		WebhookReceiver.Received added = this.receiver.await("link.recipient_added", 1).get(0);
		JsonNode data = data(added);
		assertThat(data.get("linkId").asString()).isEqualTo(link.id());
		assertThat(data.get("recipient").asInt()).isEqualTo(1);
		assertThat(data.get("addedBy").asInt()).isZero();
		assertThat(data.get("depth").asInt()).isEqualTo(1);
		assertThat(data.get("via").asString()).isEqualTo("share");
		JsonNode removed = data(this.receiver.await("link.recipient_removed", 1).get(0));
		assertThat(removed.get("removed").get(0).asInt()).isEqualTo(1);
		byte[] mac = this.macs.mac(colleague);
		for (WebhookReceiver.Received received : this.receiver.received()) {
			assertThat(received.body()).doesNotContain(colleague, "anna@example.com", "198.51.100.88",
					java.util.HexFormat.of().formatHex(mac), java.util.Base64.getEncoder().encodeToString(mac),
					java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(mac));
		}
	}

	@Test
	void supportWhenStaffReadTheTenantsDataThenSupportAccessedWithoutWhoItWas() {
		endpoint(List.of("support.accessed"));
		new Admin(this.client).supportAccessForAnHour(this.tenant);
		this.client.get()
			.uri("/admin/v1/tenants/" + this.tenant + "/settings")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.supportToken("agent-smith@support.example"))
			.exchange()
			.expectStatus()
			.isOk();

		WebhookReceiver.Received request = this.receiver.await("support.accessed", 1).get(0);
		JsonNode data = data(request);
		assertThat(data.get("method").asString()).isEqualTo("GET");
		assertThat(data.get("path").asString()).isEqualTo("/admin/v1/tenants/" + this.tenant + "/settings");
		assertThat(request.body()).doesNotContain("agent-smith");
	}

	@Test
	@Behaviour("47")
	void linkHostWhenAddedAndRemovedThenAnnouncedWithTheHost() {
		endpoint(List.of("tenant.*"));
		String host = "docs." + this.tenant + ".example";
		new Admin(this.client).put(this.tenant, "/link-hosts/" + host).exchange().expectStatus().isCreated();
		new Admin(this.client).delete(this.tenant, "/link-hosts/" + host).exchange().expectStatus().isNoContent();

		assertThat(data(this.receiver.await("tenant.link_host_added", 1).get(0)).get("host").asString())
			.isEqualTo(host);
		JsonNode removed = data(this.receiver.await("tenant.link_host_removed", 1).get(0));
		assertThat(removed.get("host").asString()).isEqualTo(host);
		assertThat(removed.get("tenantId").asString()).isEqualTo(this.tenant);
	}

	@Test
	void deliveryWhenTheReceiverFailsThenRetriedOnTheScheduleWithTheSameIdAndRetryAfterHonoured() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		List<Integer> script = new ArrayList<>(List.of(500, 503));
		this.receiver.answer((request) -> {
			synchronized (script) {
				if (script.isEmpty()) {
					return WebhookReceiver.Answer.of(204);
				}
				int status = script.remove(0);
				return (status == 503) ? new WebhookReceiver.Answer(503, Map.of("Retry-After", "3"), "busy")
						: new WebhookReceiver.Answer(500, Map.of(), "x".repeat(3000));
			}
		});
		String delivery = test(endpoint);

		List<WebhookReceiver.Received> received = this.receiver.await("webhook.test", 3);
		assertThat(received).extracting(WebhookReceiver.Received::messageId).containsOnly(received.get(0).messageId());
		StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(endpoint.secret());
		assertThat(received).allMatch(verifier::verify);
		JsonNode log = awaitDelivery(endpoint, delivery, "succeeded");
		JsonNode attempts = log.get("attemptLog");
		assertThat(attempts).hasSize(3);
		assertThat(attempts.get(0).get("statusCode").asInt()).isEqualTo(500);
		assertThat(attempts.get(0).get("error").asString()).isEqualTo("http-status");
		assertThat(attempts.get(0).get("response").asString()).hasSize(WebhookSender.RESPONSE_EXCERPT_BYTES);
		assertThat(attempts.get(1).get("statusCode").asInt()).isEqualTo(503);
		assertThat(attempts.get(2).get("statusCode").asInt()).isEqualTo(204);
		assertThat(attempts.get(2).has("error")).isFalse();
		// The schedule's second step (1 s, ±10 %), then Retry-After's 3 s over the
		// schedule's 2 s.
		Duration first = between(attempts.get(0), attempts.get(1));
		Duration second = between(attempts.get(1), attempts.get(2));
		assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(900));
		assertThat(second).isGreaterThanOrEqualTo(Duration.ofSeconds(3));
		assertThat(received.get(0).header("webhook-timestamp")).isNotNull();
	}

	@Test
	void deliveryWhenTheReceiverRedirectsOrHangsThenAFailedAttemptAndTheRedirectIsNotFollowed() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		WebhookReceiver elsewhere = new WebhookReceiver();
		try {
			this.receiver.answer((request) -> (this.receiver.received().size() == 1)
					? new WebhookReceiver.Answer(307, Map.of("Location", elsewhere.url("/stolen")), "") : hang());
			String delivery = test(endpoint);
			JsonNode log = awaitDelivery(endpoint, delivery, "failed");
			JsonNode attempts = log.get("attemptLog");
			assertThat(attempts.get(0).get("error").asString()).isEqualTo("redirect");
			assertThat(attempts.get(0).get("statusCode").asInt()).isEqualTo(307);
			assertThat(attempts.get(1).get("error").asString()).isEqualTo("timeout");
			assertThat(attempts.get(1).has("statusCode")).isFalse();
			assertThat(attempts.get(1).get("durationMs").asInt()).isBetween(1900, 10_000);
			assertThat(elsewhere.received()).isEmpty();
		}
		finally {
			elsewhere.close();
		}
	}

	@Test
	void purgeWhenADeliveryIsOlderThanTheRetentionThenItAndItsAttemptsAreGone() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		String old = test(endpoint);
		String recent = test(endpoint);
		awaitDelivery(endpoint, old, "succeeded");
		awaitDelivery(endpoint, recent, "succeeded");
		this.db.sql("update webhook_delivery set created_at = now() - interval '31 days' where id = :id")
			.bind("id", old)
			.then()
			.block();

		this.dispatcher.purgeExpired(Instant.now()).block(Duration.ofSeconds(10));

		call("GET", endpoint.path("/deliveries/" + old), null).expectStatus().isNotFound();
		call("GET", endpoint.path("/deliveries/" + recent), null).expectStatus().isOk();
		assertThat(Queries.number(this.db, "select count(*) from webhook_attempt where delivery_id = $1", old))
			.isZero();
	}

	@Test
	void metricsWhenDeliveriesHappenThenCountedByOutcomeWithTheBacklog() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		awaitDelivery(endpoint, test(endpoint), "succeeded");
		String metrics = WebTestClient.bindToServer()
			.baseUrl("http://localhost:" + this.managementPort)
			.build()
			.get()
			.uri("/actuator/prometheus")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		assertThat(metrics).contains("securelink_webhooks_attempts_total{outcome=\"succeeded\"}",
				"securelink_webhooks_attempts_total{outcome=\"blocked-destination\"}",
				"securelink_webhooks_attempt_duration_seconds_count", "securelink_webhooks_backlog ",
				"securelink_webhooks_backlog_age_seconds ", "securelink_webhooks_dead_total");
	}

	@Test
	void deliveryWhenEveryAttemptFailsThenFailedForGoodAndRecoverResendsExactlyTheFailedOnes() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		Instant since = Instant.now().minusSeconds(1);
		this.receiver.answer((request) -> WebhookReceiver.Answer.of(500));
		String failedOne = test(endpoint);
		String failedTwo = test(endpoint);
		JsonNode dead = awaitDelivery(endpoint, failedOne, "failed");
		awaitDelivery(endpoint, failedTwo, "failed");
		assertThat(dead.get("attempts").asInt()).isEqualTo(3);
		this.receiver.answer((request) -> WebhookReceiver.Answer.of(200));
		String succeeded = test(endpoint);
		awaitDelivery(endpoint, succeeded, "succeeded");
		call("GET", endpoint.path("/deliveries?status=failed"), null).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.items.length()")
			.isEqualTo(2);
		int before = this.receiver.received().size();

		call("POST", endpoint.path("/recover"), Map.of("since", since.toString())).expectStatus()
			.isAccepted()
			.expectBody()
			.jsonPath("$.count")
			.isEqualTo(2);

		awaitDelivery(endpoint, failedOne, "succeeded");
		awaitDelivery(endpoint, failedTwo, "succeeded");
		List<String> resent = this.receiver.received()
			.subList(before, this.receiver.received().size())
			.stream()
			.map(WebhookReceiver.Received::messageId)
			.toList();
		assertThat(resent).containsExactlyInAnyOrder(messageId(endpoint, failedOne), messageId(endpoint, failedTwo));
		call("POST", endpoint.path("/recover"), Map.of("since", Instant.now().toString(), "until", since.toString()))
			.expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("since");
	}

	@Test
	void retryWhenAskedThenTheSameIdWithANewSignatureAndBadInputIsRefused() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		String delivery = test(endpoint);
		awaitDelivery(endpoint, delivery, "succeeded");
		await().pollDelay(Duration.ofMillis(1100)).until(() -> true);

		call("POST", endpoint.path("/deliveries/" + delivery + "/retry"), null).expectStatus().isAccepted();

		List<WebhookReceiver.Received> received = this.receiver.await("webhook.test", 2);
		assertThat(received.get(1).messageId()).isEqualTo(received.get(0).messageId());
		assertThat(received.get(1).header("webhook-timestamp"))
			.isNotEqualTo(received.get(0).header("webhook-timestamp"));
		assertThat(new StandardWebhooksVerifier(endpoint.secret()).verify(received.get(1))).isTrue();
		call("POST", endpoint.path("/deliveries/dlv_nosuchdelivery/retry"), null).expectStatus().isNotFound();
		call("GET", endpoint.path("/deliveries?status=lost"), null).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("status");
		call("GET", endpoint.path("/deliveries?cursor=bm9wZQ"), null).expectStatus()
			.isBadRequest()
			.expectBody()
			.jsonPath("$.errors[0].field")
			.isEqualTo("cursor");
		this.client.get()
			.uri(endpoint.path("/deliveries"))
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, "links:read"))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody(String.class)
			.value((body) -> assertThat(body).contains(delivery).doesNotContain(endpoint.secret().substring(6)));
	}

	@Test
	void deliveryWhenTheEndpointAnswers410ThenItIsDisabledAndSentNothingMore() {
		Endpoint endpoint = endpoint(List.of("webhook.test", "link.created"));
		this.receiver.answer((request) -> WebhookReceiver.Answer.of(410));
		String delivery = test(endpoint);
		awaitDelivery(endpoint, delivery, "failed");
		assertDisabled(endpoint, "gone");

		new Admin(this.client).createLink(this.tenant, Admin.linkRequest("/invoices/gone", "anna@example.com"));
		Queries.awaitSealed(this.db, this.tenant);
		call("POST", endpoint.path("/test"), null).expectStatus().isEqualTo(409);
		assertThat(this.receiver.received()).hasSize(1);
		assertThat(
				Queries.number(this.db, "select count(*) from webhook_delivery where endpoint_id = $1", endpoint.id()))
			.isOne();
	}

	@Test
	void disableWhenPendingRetriesThenTheyStopAndAnEndpointFailingForDaysIsDisabled() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		this.receiver.answer((request) -> WebhookReceiver.Answer.of(500));
		String delivery = test(endpoint);
		this.receiver.await("webhook.test", 1);
		call("PATCH", endpoint.path(""), Map.of("enabled", false)).expectStatus().isOk();
		awaitDelivery(endpoint, delivery, "failed");
		await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
		assertThat(this.receiver.received()).hasSize(1);

		call("PATCH", endpoint.path(""), Map.of("enabled", true)).expectStatus().isOk();
		this.db.sql("update webhook_endpoint set failing_since = now() - interval '6 days' where id = :id")
			.bind("id", endpoint.id())
			.then()
			.block();
		String next = test(endpoint);
		awaitDelivery(endpoint, next, "failed");
		assertDisabled(endpoint, "failing");
	}

	@Test
	void rotationWhenInItsGracePeriodThenDeliveriesCarryBothSignatures() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		String rotated = (String) call("POST", endpoint.path("/rotate-secret"), Map.of("graceSeconds", 600))
			.expectStatus()
			.isOk()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("secret");
		Secrets.remember(rotated);
		test(endpoint);
		WebhookReceiver.Received request = this.receiver.await("webhook.test", 1).get(0);
		assertThat(request.header("webhook-signature").split(" ")).hasSize(2);
		assertThat(new StandardWebhooksVerifier(rotated).verify(request)).isTrue();
		assertThat(new StandardWebhooksVerifier(endpoint.secret()).verify(request)).isTrue();
	}

	@Test
	void expiryAndCheckpointWhenTheyHappenThenDelivered() {
		endpoint(List.of("link.expired", "audit.checkpoint"));
		CreatedLink link = new Admin(this.client).createLink(this.tenant,
				Admin.linkRequest("/invoices/expiring", "anna@example.com"));
		this.db.sql("update link set expires_at = now() - interval '1 second' where id = :id")
			.bind("id", link.id())
			.then()
			.block();

		JsonNode expired = data(this.receiver.await("link.expired", 1).get(0));
		assertThat(expired.get("linkId").asString()).isEqualTo(link.id());
		assertThat(expired.get("expiresAt").asString()).isNotEmpty();
		JsonNode checkpoint = data(this.receiver.await("audit.checkpoint", 1).get(0));
		assertThat(checkpoint.get("tenantId").asString()).isEqualTo(this.tenant);
		assertThat(checkpoint.get("jws").asString()).contains(".");
		await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
		assertThat(this.receiver.ofType("link.expired")).as("once").hasSize(1);
	}

	@Test
	void deliveryWhenTwoInstancesPollThenEachStepIsAttemptedOnce() {
		Endpoint endpoint = endpoint(List.of("webhook.test"));
		// Every first attempt fails, every second succeeds: two steps per delivery.
		Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
		this.receiver.answer((request) -> WebhookReceiver.Answer.of(seen.add(request.messageId()) ? 500 : 200));
		ConfigurableApplicationContext second = Instances.start(new String[0], "--server.port=0",
				"--management.server.port=0", "--securelink.webhooks.poll-interval=20ms");
		try {
			List<String> deliveries = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				deliveries.add(test(endpoint));
			}
			for (String delivery : deliveries) {
				awaitDelivery(endpoint, delivery, "succeeded");
			}
		}
		finally {
			second.close();
		}
		Map<String, Long> attempts = this.receiver.received()
			.stream()
			.collect(Collectors.groupingBy(WebhookReceiver.Received::messageId, Collectors.counting()));
		assertThat(attempts).hasSize(20).allSatisfy((id, count) -> assertThat(count).isEqualTo(2));
	}

	@Test
	void deliveryWhenEveryInstanceRestartsBetweenCommitAndDeliveryThenStillDelivered() {
		Endpoint endpoint = endpoint(List.of("link.created"));
		// This instance stops sending; the event is committed, sealed and waits in the
		// outbox with no instance to deliver it.
		this.dispatcher.stop();
		ConfigurableApplicationContext restarted = null;
		try {
			new Admin(this.client).createLink(this.tenant, Admin.linkRequest("/invoices/restart", "anna@example.com"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> Queries.number(this.db,
						"select count(*) from webhook_delivery where endpoint_id = $1 and status = 'pending'",
						endpoint.id()) == 1);
			await().pollDelay(Duration.ofMillis(500)).until(() -> true);
			assertThat(this.receiver.received()).isEmpty();

			restarted = Instances.start(new String[0], "--server.port=0", "--management.server.port=0");
			this.receiver.await("link.created", 1);
		}
		finally {
			if (restarted != null) {
				restarted.close();
			}
			this.dispatcher.start();
		}
		assertThat(new StandardWebhooksVerifier(endpoint.secret()).verify(this.receiver.received().get(0))).isTrue();
	}

	private void assertDisabled(Endpoint endpoint, String reason) {
		call("GET", endpoint.path(""), null).expectStatus()
			.isOk()
			.expectBody()
			.jsonPath("$.enabled")
			.isEqualTo(false)
			.jsonPath("$.disabledReason")
			.isEqualTo(reason);
	}

	/** A created endpoint that sends to the receiver. */
	private Endpoint endpoint(List<String> types) {
		Map<?, ?> created = call("POST", "/admin/v1/tenants/" + this.tenant + "/webhooks",
				Map.of("url", this.receiver.url("/hook"), "eventTypes", types))
			.expectStatus()
			.isCreated()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		return new Endpoint(this.tenant, (String) created.get("id"), Secrets.remember((String) created.get("secret")));
	}

	/** Queues a {@code webhook.test}; answers the delivery's id. */
	private String test(Endpoint endpoint) {
		return (String) call("POST", endpoint.path("/test"), null).expectStatus()
			.isAccepted()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody()
			.get("id");
	}

	private JsonNode awaitDelivery(Endpoint endpoint, String delivery, String status) {
		JsonNode[] found = new JsonNode[1];
		await().atMost(Duration.ofSeconds(20)).until(() -> {
			found[0] = JSON.readTree(call("GET", endpoint.path("/deliveries/" + delivery), null).expectStatus()
				.isOk()
				.expectBody(String.class)
				.returnResult()
				.getResponseBody());
			return status.equals(found[0].get("status").asString());
		});
		return found[0];
	}

	private String messageId(Endpoint endpoint, String delivery) {
		return awaitDelivery(endpoint, delivery, "succeeded").get("messageId").asString();
	}

	private WebTestClient.ResponseSpec call(String method, String path, Object body) {
		WebTestClient.RequestBodySpec request = this.client.method(HttpMethod.valueOf(method))
			.uri(path)
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(this.tenant, WRITE))
			.contentType(MediaType.APPLICATION_JSON);
		return ((body != null) ? request.bodyValue(body) : request).exchange();
	}

	/**
	 * Holds the receiver's answer past the gateway's attempt timeout (2 s in the tests).
	 */
	private static WebhookReceiver.Answer hang() {
		try {
			Thread.sleep(4000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return WebhookReceiver.Answer.of(200);
	}

	private static Duration between(JsonNode earlier, JsonNode later) {
		return Duration.between(Instant.parse(earlier.get("startedAt").asString()),
				Instant.parse(later.get("startedAt").asString()));
	}

	private static String type(WebhookReceiver.Received request) {
		return JSON.readTree(request.body()).get("type").asString();
	}

	private static JsonNode data(WebhookReceiver.Received request) {
		return JSON.readTree(request.body()).get("data");
	}

	private static WebhookReceiver.Received only(List<WebhookReceiver.Received> received, String type) {
		List<WebhookReceiver.Received> ofType = received.stream().filter((r) -> type(r).equals(type)).toList();
		assertThat(ofType).as(type).hasSize(1);
		return ofType.get(0);
	}

	private record Endpoint(String tenant, String id, String secret) {

		String path(String rest) {
			return "/admin/v1/tenants/" + this.tenant + "/webhooks/" + this.id + rest;
		}

	}

}
