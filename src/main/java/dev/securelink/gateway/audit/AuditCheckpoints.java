package dev.securelink.gateway.audit;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;
import dev.securelink.gateway.GatewayProperties;
import dev.securelink.gateway.keys.Es256Signer;
import dev.securelink.gateway.keys.GatewayKeys;

/**
 * Signed checkpoints of the tenants' chains. Every
 * {@code securelink.audit.checkpoint-interval}, each instance signs, for every tenant
 * whose chain head moved since its last checkpoint, an ES256 JWS of the tenant, the
 * head's {@code seq} (which is also the number of sealed events, purged ones included),
 * its hash and the time; two instances signing the same head store it once. The key is
 * {@code securelink.keys.checkpoint}, kept outside the database; its public part is in
 * {@code /.well-known/jwks.json} under its own {@code kid}.
 */
@Component
public class AuditCheckpoints extends BackgroundTask<Long> {

	/**
	 * The JWS {@code typ} of a checkpoint, so that no other token of the gateway passes
	 * for one.
	 */
	static final JOSEObjectType TYPE = new JOSEObjectType("securelink-checkpoint+jwt");

	private final DatabaseClient db;

	private final Clock clock;

	private final String issuer;

	private final Es256Signer signer;

	private final Counter signed;

	private final TransactionalOperator transaction;

	private final List<AuditSubscriber> subscribers;

	AuditCheckpoints(DatabaseClient db, TransactionalOperator transaction, GatewayKeys keys, AuditProperties properties,
			GatewayProperties gateway, Clock clock, MeterRegistry meters, List<AuditSubscriber> subscribers) {
		super("Audit checkpoints", properties.checkpointInterval(), properties.checkpointInterval());
		this.db = db;
		this.transaction = transaction;
		this.subscribers = List.copyOf(subscribers);
		this.clock = clock;
		this.issuer = gateway.baseUrl();
		this.signer = keys.checkpointSigner();
		this.signed = Counter.builder("securelink.audit.checkpoints")
			.description("Checkpoints of tenants' audit chains signed")
			.register(meters);
	}

	/**
	 * A signed statement of how far a tenant's chain had come.
	 *
	 * @param seq the head's place, also the number of sealed events up to it
	 * @param hash the hash of the event at {@code seq}
	 * @param jws the checkpoint as signed: what a tenant keeps and may hand back
	 */
	public record Checkpoint(String tenantId, long seq, byte[] hash, Instant createdAt, String jws) {
	}

	/** The public key that verifies checkpoints, as a JWK. */
	public ECKey publicKey() {
		return this.signer.publicJwk();
	}

	@Override
	protected Mono<Long> round() {
		return checkpointAll();
	}

	/**
	 * Signs a checkpoint for every chain whose head moved since its last one; answers how
	 * many.
	 */
	Mono<Long> checkpointAll() {
		return this.db.sql("""
				select h.tenant_id, h.seq, h.hash from audit_chain_head h
				where h.seq > coalesce((select max(c.seq) from audit_checkpoint c where c.tenant_id = h.tenant_id), 0)
				""")
			.map((row) -> sign(row.get("tenant_id", String.class), row.get("seq", Long.class),
					row.get("hash", byte[].class), this.clock.instant()))
			.all()
			.concatMap(this::store)
			.count();
	}

	/**
	 * Stores {@code checkpoint} unless another instance stored the same head's first; the
	 * subscribers hear of it in the same transaction, once.
	 */
	private Mono<Checkpoint> store(Checkpoint checkpoint) {
		return this.db.sql("""
				insert into audit_checkpoint (tenant_id, seq, hash, created_at, jws)
				values (:tenant, :seq, :hash, :at, :jws) on conflict (tenant_id, seq) do nothing
				""")
			.bind("tenant", checkpoint.tenantId())
			.bind("seq", checkpoint.seq())
			.bind("hash", checkpoint.hash())
			.bind("at", checkpoint.createdAt())
			.bind("jws", checkpoint.jws())
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> (rows == 0) ? Mono.<Void>empty()
					: Flux.fromIterable(this.subscribers)
						.concatMap((subscriber) -> subscriber.checkpointed(checkpoint))
						.then())
			.as(this.transaction::transactional)
			.doOnSuccess((done) -> this.signed.increment())
			.thenReturn(checkpoint);
	}

	/** The tenant's latest checkpoint. */
	public Mono<Checkpoint> latest(String tenantId) {
		return this.db.sql("select * from audit_checkpoint where tenant_id = :tenant order by seq desc limit 1")
			.bind("tenant", tenantId)
			.map(AuditCheckpoints::checkpoint)
			.one();
	}

	/**
	 * The tenant's first checkpoint at or after {@code seq}: the one that covers an event
	 * there.
	 */
	public Mono<Checkpoint> covering(String tenantId, long seq) {
		return this.db
			.sql("select * from audit_checkpoint where tenant_id = :tenant and seq >= :seq order by seq limit 1")
			.bind("tenant", tenantId)
			.bind("seq", seq)
			.map(AuditCheckpoints::checkpoint)
			.one();
	}

	/**
	 * A checkpoint as a caller hands it back: signed with the checkpoint key, of type
	 * {@link #TYPE}, for {@code tenantId}; otherwise null.
	 */
	public @Nullable Checkpoint verified(String jws, String tenantId) {
		JWTClaimsSet claims = this.signer.verified(jws, TYPE);
		if (claims == null) {
			return null;
		}
		try {
			Long seq = claims.getLongClaim("seq");
			String hash = claims.getStringClaim("hash");
			Date issued = claims.getIssueTime();
			if (!tenantId.equals(claims.getStringClaim("tenant")) || seq == null || hash == null || issued == null) {
				return null;
			}
			return new Checkpoint(tenantId, seq, Base64.getDecoder().decode(hash), issued.toInstant(), jws);
		}
		catch (ParseException | IllegalArgumentException ex) {
			return null;
		}
	}

	private Checkpoint sign(String tenantId, long seq, byte[] hash, Instant now) {
		// A JWT's times have second precision: the stored time is the signed one.
		Instant at = now.truncatedTo(ChronoUnit.SECONDS);
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(this.issuer)
			.issueTime(Date.from(at))
			.claim("tenant", tenantId)
			.claim("seq", seq)
			.claim("count", seq)
			.claim("hash", Base64.getEncoder().encodeToString(hash))
			.build();
		return new Checkpoint(tenantId, seq, hash, at, this.signer.sign(claims, TYPE));
	}

	private static Checkpoint checkpoint(Readable row) {
		return new Checkpoint(row.get("tenant_id", String.class), row.get("seq", Long.class),
				row.get("hash", byte[].class), row.get("created_at", Instant.class), row.get("jws", String.class));
	}

}
