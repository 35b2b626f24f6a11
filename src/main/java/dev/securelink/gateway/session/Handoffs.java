package dev.securelink.gateway.session;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.springframework.http.ResponseCookie;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.BackgroundTask;
import dev.securelink.gateway.DocumentOrigins;
import dev.securelink.gateway.keys.Sha256;

/**
 * The one-time handoff that carries a session from the prompt's host to its document's
 * own origin ({@link DocumentOrigins}): a token signed by the gateway, typed apart from a
 * session cookie, bound to the session and the link it carries, valid {@link #LIFE}, and
 * redeemed once across every instance (its id's hash is stored when it is redeemed; a
 * second redemption finds it). It travels only in the 303's {@code Location} and in the
 * document host's {@code /_gw/handoff} request, which answers with the session's cookie
 * for that host and a 303 to the document: no page ever shows it, every answer says
 * {@code Referrer-Policy: no-referrer}, and no log line holds a query.
 */
@Component
public class Handoffs extends BackgroundTask<Long> {

	/** How long a handoff token can be redeemed. */
	public static final Duration LIFE = Duration.ofSeconds(30);

	/** Where the document host redeems a token ({@code ?t=}). */
	public static final String PATH = "/_gw/handoff";

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SessionCodec codec;

	private final DocumentOrigins origins;

	private final DatabaseClient db;

	private final Clock clock;

	Handoffs(SessionCodec codec, DocumentOrigins origins, DatabaseClient db, Clock clock) {
		super("Handoff redemptions purge", Duration.ofMinutes(1), Duration.ofMinutes(5));
		this.codec = codec;
		this.origins = origins;
		this.db = db;
		this.clock = clock;
	}

	/**
	 * Where to send the visitor holding {@code claims} to land on {@code target} (a path
	 * of the document: {@code /}, {@code /sign}, {@code /pay}) on the document's origin.
	 */
	public String location(SessionClaims claims, String target) {
		byte[] id = new byte[16];
		RANDOM.nextBytes(id);
		String token = this.codec.encodeHandoff(claims, target,
				Base64.getUrlEncoder().withoutPadding().encodeToString(id), this.clock.instant().plus(LIFE));
		return this.origins.origin(claims.linkId()) + PATH + "?t=" + token;
	}

	/**
	 * A redeemed handoff: the session's cookie for the document host, and where to land.
	 */
	public record Redeemed(ResponseCookie cookie, String target) {
	}

	/**
	 * Redeems {@code token} on the host of {@code linkId}'s document: empty when it is
	 * not a handoff this gateway made for this link, has expired, or was redeemed before
	 * (on any instance).
	 */
	public Mono<Redeemed> redeem(String token, String linkId) {
		Instant now = this.clock.instant();
		return Mono.justOrEmpty(this.codec.decodeHandoff(token, linkId, now))
			.filterWhen((handoff) -> this.db.sql("""
					insert into handoff_redemption (token_hash, expires_at) values (:hash, :expires)
					on conflict (token_hash) do nothing
					""")
				.bind("hash", Sha256.of(handoff.tokenId().getBytes(StandardCharsets.US_ASCII)))
				.bind("expires", handoff.expiresAt())
				.fetch()
				.rowsUpdated()
				.map((rows) -> rows == 1))
			.map((handoff) -> new Redeemed(Sessions.cookie(linkId, this.codec.encode(handoff.claims()),
					Duration.between(now, handoff.claims().expiresAt())), handoff.target()));
	}

	/**
	 * Kept this long past a token's expiry, so that an instance whose clock runs behind
	 * still finds it redeemed.
	 */
	static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

	@Override
	protected Mono<Long> round() {
		return this.db.sql("delete from handoff_redemption where expires_at < :before")
			.bind("before", this.clock.instant().minus(CLOCK_SKEW))
			.fetch()
			.rowsUpdated();
	}

}
