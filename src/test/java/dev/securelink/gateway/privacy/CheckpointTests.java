package dev.securelink.gateway.privacy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayFixture;
import dev.securelink.gateway.support.Queries;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signed checkpoints of a tenant's chain: verifiable offline with the published key, and
 * what shows that the newest events were deleted even when the chain head and the stored
 * checkpoints were rewritten with them.
 */
class CheckpointTests extends GatewayFixture {

	@Test
	void checkpointWhenSignedThenVerifiesWithThePublishedKeyAndNamesTheChainsEnd() throws Exception {
		CreatedLink link = createLinks(2).get(1);
		Map<?, ?> checkpoint = awaitCheckpoint(2);

		SignedJWT jws = SignedJWT.parse((String) checkpoint.get("jws"));
		String jwks = this.client.get()
			.uri("/.well-known/jwks.json")
			.exchange()
			.expectBody(String.class)
			.returnResult()
			.getResponseBody();
		ECKey key = (ECKey) JWKSet.parse(jwks).getKeyByKeyId(jws.getHeader().getKeyID());
		assertThat(key).as("published under its own kid").isNotNull();
		assertThat(jws.verify(new ECDSAVerifier(key))).isTrue();
		assertThat(jws.getHeader().getType().getType()).isEqualTo("securelink-checkpoint+jwt");
		assertThat(jws.getJWTClaimsSet().getStringClaim("tenant")).isEqualTo(this.tenant);
		assertThat(jws.getJWTClaimsSet().getLongClaim("seq")).isEqualTo(2);
		List<?> events = this.admin.get(this.tenant, "/events")
			.exchange()
			.expectBody(List.class)
			.returnResult()
			.getResponseBody();
		assertThat(jws.getJWTClaimsSet().getStringClaim("hash")).isEqualTo(((Map<?, ?>) events.get(1)).get("hash"));
		assertThat(JWKSet.parse(jwks).getKeys()).hasSize(2).noneMatch((published) -> published.isPrivate());

		Map<?, ?> evidence = this.admin.get(this.tenant, "/links/" + link.id() + "/evidence")
			.exchange()
			.expectBody(Map.class)
			.returnResult()
			.getResponseBody();
		assertThat(((Map<?, ?>) evidence.get("checkpoint")).get("jws")).isEqualTo(checkpoint.get("jws"));
		assertThat(((Map<?, ?>) evidence.get("checkpoint")).get("verifyWith")).asString().contains("jwks.json");
	}

	@Test
	void verificationWhenTheNewestEventsAreDeletedWithTheHeadAndTheStoredCheckpointsThenTheKeptOneShowsIt() {
		createLinks(3);
		String kept = (String) awaitCheckpoint(3).get("jws");
		// Someone with write access to the database removes the newest event and puts the
		// chain head back where it was before it.
		sql("delete from access_event where tenant_id = $1 and seq = 3");
		sql("update audit_chain_head h set seq = 2, hash = e.hash from access_event e "
				+ "where h.tenant_id = $1 and e.tenant_id = $1 and e.seq = 2");
		verification().jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.reason")
			.isEqualTo("the chain ends at event 2 but checkpoint 3 was signed after it: events were removed");

		// ... and the stored checkpoints too: only the tenant's own copy still knows.
		sql("delete from audit_checkpoint where tenant_id = $1");
		verification().jsonPath("$.valid").isEqualTo(true);
		verificationAgainst(kept).jsonPath("$.valid").isEqualTo(false).jsonPath("$.checkpoint").isEqualTo(3);
	}

	@Test
	@Behaviour("45a")
	void verificationWhenASealedEventIsMovedIntoTheTombstonesByHandThenItShowsEvenAgainstAKeptCheckpoint() {
		createLinks(3);
		String kept = (String) awaitCheckpoint(3).get("jws");
		// Someone with write access to the database hides an event the way retention
		// removes one: its place and hashes as a tombstone, its content gone.
		sql("insert into access_event_tombstone (id, tenant_id, seq, prev_hash, hash) "
				+ "select id, tenant_id, seq, prev_hash, hash from access_event where tenant_id = $1 and seq = 2");
		sql("delete from access_event where tenant_id = $1 and seq = 2");

		verification().jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.reason")
			.isEqualTo("was removed without a purge that accounts for it");
		sql("delete from audit_checkpoint where tenant_id = $1");
		verificationAgainst(kept).jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.reason")
			.isEqualTo("was removed without a purge that accounts for it");
	}

	@Test
	@Behaviour("45a")
	void verificationWhenAPurgeEventIsWrittenByHandToAccountForAHiddenEventThenItIsNeverSealedAndTheHidingShows() {
		createLinks(3);
		String kept = (String) awaitCheckpoint(3).get("jws");
		String hash = this.db
			.sql("select encode(hash, 'base64') as hash from access_event where tenant_id = $1 and seq = 2")
			.bind(0, this.tenant)
			.map((row) -> row.get("hash", String.class))
			.one()
			.block(Duration.ofSeconds(10));
		sql("insert into access_event_tombstone (id, tenant_id, seq, prev_hash, hash) "
				+ "select id, tenant_id, seq, prev_hash, hash from access_event where tenant_id = $1 and seq = 2");
		sql("delete from access_event where tenant_id = $1 and seq = 2");
		// A purge naming the hidden event, as one without the gateway's key can write it,
		// left for the sealer to chain.
		for (String signature : List.of("null", "\"forged\"")) {
			sql("insert into access_event (tenant_id, type, outcome, occurred_at, detail) values ($1, 'purged', 'ok', "
					+ "now(), '{\"linkId\":null,\"removed\":[{\"seq\":2,\"hash\":\"" + hash + "\"}],\"signature\":"
					+ signature + "}')");
		}

		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(5))
			.until(() -> Queries.number(this.db,
					"select count(*) from access_event where tenant_id = $1 and type = 'purged' and sealed",
					this.tenant) == 0);
		verificationAgainst(kept).jsonPath("$.valid")
			.isEqualTo(false)
			.jsonPath("$.reason")
			.isEqualTo("was removed without a purge that accounts for it");
	}

	@Test
	void verificationWhenTheKeptCheckpointIsForgedOrAnotherTenantsThen400NamingTheField() {
		createLinks(1);
		String others = Admin.newTenant();
		this.admin.createLink(others, Admin.linkRequest("/invoices/other", "a@example.com"));
		Queries.awaitSealed(this.db, others);
		String othersCheckpoint = (String) await().atMost(Duration.ofSeconds(10))
			.until(() -> checkpoint(others), (found) -> found != null)
			.get("jws");
		for (String forged : List.of("not-a-jws", othersCheckpoint,
				othersCheckpoint.substring(0, othersCheckpoint.lastIndexOf('.') + 1) + "AAAA")) {
			this.admin.post(this.tenant, "/events/verification")
				.bodyValue(Map.of("checkpoint", forged))
				.exchange()
				.expectStatus()
				.isBadRequest()
				.expectBody()
				.jsonPath("$.errors[0].field")
				.isEqualTo("checkpoint");
		}
	}

	private List<CreatedLink> createLinks(int count) {
		List<CreatedLink> links = new java.util.ArrayList<>();
		for (int i = 0; i < count; i++) {
			links.add(this.admin.createLink(this.tenant, Admin.linkRequest("/invoices/cp-" + i, "a@example.com")));
		}
		Queries.awaitSealed(this.db, this.tenant);
		return links;
	}

	/**
	 * Waits for the checkpoint at {@code seq} (signed within the test's 300 ms interval).
	 */
	private Map<?, ?> awaitCheckpoint(long seq) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> checkpoint(this.tenant),
					(found) -> found != null && ((Number) found.get("seq")).longValue() == seq);
	}

	/** The tenant's latest checkpoint, or null while it has none (404). */
	private Map<?, ?> checkpoint(String tenant) {
		var result = this.admin.get(tenant, "/events/checkpoint").exchange().expectBody(Map.class).returnResult();
		return result.getStatus().is2xxSuccessful() ? result.getResponseBody() : null;
	}

	/** The chain verified against {@code kept}, a checkpoint the tenant kept. */
	private WebTestClient.BodyContentSpec verificationAgainst(String kept) {
		return this.admin.post(this.tenant, "/events/verification")
			.bodyValue(Map.of("checkpoint", kept))
			.exchange()
			.expectStatus()
			.isOk()
			.expectBody();
	}

	private WebTestClient.BodyContentSpec verification() {
		return this.admin.get(this.tenant, "/events/verification").exchange().expectStatus().isOk().expectBody();
	}

	private void sql(String statement) {
		this.db.sql(statement).bind(0, this.tenant).then().block(Duration.ofSeconds(10));
	}

}
