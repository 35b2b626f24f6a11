package dev.securelink.gateway.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

import dev.securelink.gateway.keys.GatewayKeys;
import dev.securelink.gateway.support.Queries;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sealer works on many tenants at once: one batch takes the oldest unsealed events of
 * every tenant it holds, and each tenant's events still form that tenant's own chain, in
 * id order, across batches that cut through tenants. On the test database, without
 * Spring.
 */
class AuditSealerTests {

	/** Batches of five, so that a batch ends inside a tenant's events. */
	private static final AuditProperties AUDIT = new AuditProperties(Duration.ofHours(1), 5, Duration.ofHours(1), 100);

	@Test
	void sealWhenSeveralTenantsWroteInterleavedEventsThenEachTenantHasItsOwnUnbrokenChain() {
		DatabaseClient db = TestDatabase.client();
		AuditLog log = new AuditLog(db, GatewayKeys.from(TestKeys.keysProperties()), AUDIT, new SimpleMeterRegistry());
		AuditSealer sealer = new AuditSealer(db, TestDatabase.transactions(db), AUDIT, Clock.systemUTC(),
				new SimpleMeterRegistry(), java.util.List.of(),
				new PurgeSignatures(GatewayKeys.from(TestKeys.keysProperties())));
		List<String> tenants = new ArrayList<>();
		for (int t = 0; t < 3; t++) {
			tenants.add("seal-" + UUID.randomUUID().toString().substring(0, 8));
		}
		Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
		for (int i = 0; i < 7; i++) {
			for (String tenant : tenants) {
				log.record(AccessEvent.ofAdmin(AuditType.CREATED, tenant, "link" + i, "app", at.plusMillis(i)))
					.block(Duration.ofSeconds(10));
			}
		}

		while (sealer.sealAll().block(Duration.ofSeconds(10)) > 0) {
			// until a round finds nothing left
		}

		AuditChain chain = new AuditChain(db, new PurgeSignatures(GatewayKeys.from(TestKeys.keysProperties())),
				TestDatabase.transactions(db));
		for (String tenant : tenants) {
			// (Another test's gateway on this database may have signed a checkpoint of
			// it.)
			AuditChain.Verification verification = chain.verify(tenant).block(Duration.ofSeconds(10));
			assertThat(verification.valid()).isTrue();
			assertThat(verification.events()).isEqualTo(7);
			assertThat(verification.unsealed()).isZero();
			assertThat(Queries.number(db, "select seq from audit_chain_head where tenant_id = $1", tenant))
				.isEqualTo(7L);
			// Places given in the order the events were written.
			assertThat(Queries.number(db,
					"select count(*) from access_event a join access_event b "
							+ "on a.tenant_id = b.tenant_id and a.id < b.id and a.seq > b.seq where a.tenant_id = $1",
					tenant))
				.isZero();
		}
	}

}
