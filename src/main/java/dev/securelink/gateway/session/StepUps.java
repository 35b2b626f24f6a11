package dev.securelink.gateway.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCache;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.tenant.SettingsCache;

/**
 * Step-up tokens: a session verified by an address alone, of a tenant that asks for a
 * code before sign and pay, is sent with one to the gateway's step-up page, which reads
 * the session back from it. Signed like sessions, typed apart from them and from handoffs
 * ({@link SessionCodec}).
 */
@Component
public class StepUps {

	private final SessionCodec codec;

	private final LinkCache links;

	private final SettingsCache settings;

	private final Clock clock;

	StepUps(SessionCodec codec, LinkCache links, SettingsCache settings, Clock clock) {
		this.codec = codec;
		this.links = links;
		this.settings = settings;
		this.clock = clock;
	}

	/** How long a step-up token (a code asked before sign or pay) can be used. */
	public static final Duration STEP_UP_LIFE = Duration.ofMinutes(10);

	/**
	 * A token for the gateway's step-up page: the session {@code claims} asks for a code
	 * before {@code action}.
	 */
	public String token(SessionClaims claims, Right action) {
		return this.codec.encodeStepUp(claims, action, this.clock.instant().plus(STEP_UP_LIFE));
	}

	/**
	 * The session a step-up token carries, its link still active, its epoch current and
	 * its tenant's, and the action it asks for; empty for a token that is forged, expired
	 * or of a session whose link moved on. (The session's idle limit is not checked: the
	 * step-up issues a new session only for a code mailed to its own recipient.)
	 */
	public Mono<StepUp> read(String token) {
		Instant now = this.clock.instant();
		return Mono.justOrEmpty(this.codec.decodeStepUp(token, now))
			.filter((stepUp) -> now.isBefore(stepUp.claims().expiresAt()))
			.flatMap((stepUp) -> this.links.byId(stepUp.claims().linkId())
				.filter((link) -> link.status(now) == Link.Status.ACTIVE
						&& link.sessionEpoch() == stepUp.claims().epoch()
						&& link.tenantId().equals(stepUp.claims().tenantId()))
				.flatMap((link) -> this.settings.get(link.tenantId())
					.filter((current) -> Sessions.admitted(link, stepUp.claims(), current))
					.map((current) -> new StepUp(new Sessions.Valid(stepUp.claims(), link, current, null),
							stepUp.action()))));
	}

	/** A step-up asked: the session, as checked, and the action it asks for. */
	public record StepUp(Sessions.Valid session, Right action) {
	}

}
