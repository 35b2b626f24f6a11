package dev.securelink.gateway.access;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.jspecify.annotations.Nullable;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

import dev.securelink.gateway.link.AddedRecipient;
import dev.securelink.gateway.link.Link;
import dev.securelink.gateway.link.LinkCache;
import dev.securelink.gateway.link.Recipient;
import dev.securelink.gateway.link.RecipientMacs;
import dev.securelink.gateway.link.RecipientSharing;
import dev.securelink.gateway.link.Right;
import dev.securelink.gateway.page.MessagePages;
import dev.securelink.gateway.page.PageForm;
import dev.securelink.gateway.page.PageKind;
import dev.securelink.gateway.page.SharePages;
import dev.securelink.gateway.paths.GatewayPaths;
import dev.securelink.gateway.session.Sessions;
import dev.securelink.gateway.tenant.Sharing;

/**
 * {@code /_gw/share} on a document's own host ({@code /_gw/share/{linkId}} with a shared
 * origin): a verified recipient gives a colleague access to the same link, typing the
 * colleague's address and picking rights no wider than their own and the company's cap,
 * and withdraws it again. Only with the document's session; with sharing off (the
 * company's, the link's, or no verification at all) the page does not exist (404). A POST
 * must come from the document's origin and carry the page's form token, bound to the
 * session. What a colleague is given is {@link RecipientSharing}'s to decide and record.
 */
@Component
class ShareHandler {

	/** What the page's form token is for. */
	private static final String SCOPE = "share";

	/** Shares and withdrawals one session may post an hour, on one instance. */
	static final int POSTS_PER_HOUR = 30;

	private final Cache<String, AtomicInteger> posts = Caffeine.newBuilder()
		.expireAfterWrite(Duration.ofHours(1))
		.maximumSize(100_000)
		.build();

	private final DocumentVisits visits;

	private final RecipientSharing sharing;

	private final RecipientMacs macs;

	private final LinkCache links;

	private final SharePages pages;

	private final MessagePages messages;

	ShareHandler(DocumentVisits visits, RecipientSharing sharing, RecipientMacs macs, LinkCache links, SharePages pages,
			MessagePages messages) {
		this.visits = visits;
		this.sharing = sharing;
		this.macs = macs;
		this.links = links;
		this.pages = pages;
		this.messages = messages;
	}

	Mono<ServerResponse> page(ServerRequest request) {
		return withShare(request, (share) -> render(request, share, share.session().link(), null));
	}

	Mono<ServerResponse> submit(ServerRequest request) {
		return withShare(request, (share) -> {
			if (!DocumentVisits.sameOrigin(request, share.visit())) {
				return this.messages.response(request, PageKind.FORBIDDEN);
			}
			if (!spend(share.session())) {
				return this.messages.response(request, PageKind.BUSY);
			}
			return request.formData().flatMap((form) -> {
				DocumentVisits.language(request, share.visit(), form.getFirst("lang"));
				if (!this.visits.validToken(share.visit(), SCOPE, form.getFirst("csrf"))) {
					return this.messages.response(request, PageKind.FORBIDDEN);
				}
				String client = this.visits.clientHash(request);
				return "withdraw".equals(form.getFirst("op")) ? withdraw(request, share, form, client)
						: give(request, share, form, client);
			});
		}).onErrorResume(DataBufferLimitException.class, (ex) -> this.messages.response(request, PageKind.TOO_LARGE))
			.onErrorResume(DecodingException.class, (ex) -> this.messages.response(request, PageKind.MALFORMED));
	}

	/** Gives the colleague the form's address and rights. */
	private Mono<ServerResponse> give(ServerRequest request, Share share, MultiValueMap<String, String> form,
			String client) {
		String address = form.getFirst("email");
		if (address == null || address.isBlank()) {
			return render(request, share, share.session().link(), "blank");
		}
		String normalized = RecipientMacs.normalize(address);
		if (!RecipientMacs.isPlain(normalized)) {
			return render(request, share, share.session().link(), "invalid");
		}
		Set<Right> rights = rights(form.get("rights"));
		if (rights == null || !share.shareable().containsAll(rights)) {
			return render(request, share, share.session().link(), "toowide");
		}
		return this.sharing
			.share(share.session().link(), share.recipient(), this.macs.mac(normalized), rights, share.cap(), client)
			.flatMap((shared) -> switch (shared) {
				case ADDED -> rerender(request, share, "shared");
				case ALREADY -> rerender(request, share, "already");
				case TOO_MANY -> rerender(request, share, "toomany");
				case REMOVED -> rerender(request, share, "removed");
				case TOO_DEEP, TOO_WIDE -> rerender(request, share, "toowide");
				case GONE -> this.messages.response(request, PageKind.SESSION);
			});
	}

	/** Withdraws a person this recipient gave access (and whoever they gave it to). */
	private Mono<ServerResponse> withdraw(ServerRequest request, Share share, MultiValueMap<String, String> form,
			String client) {
		String index = form.getFirst("index");
		if (index == null || !index.matches("[0-9]{1,5}")) {
			return render(request, share, share.session().link(), null);
		}
		Link link = share.session().link();
		return this.sharing
			.remove(link.tenantId(), link.id(), Integer.parseInt(index), null, share.recipient().index(), client)
			.flatMap((removed) -> rerender(request, share, removed.indexes().isEmpty() ? null : "withdrawn"));
	}

	/** The page again, with the link as it is now (the change dropped the cached one). */
	private Mono<ServerResponse> rerender(ServerRequest request, Share share, @Nullable String state) {
		return this.links.byId(share.linkId())
			.defaultIfEmpty(share.session().link())
			.flatMap((link) -> render(request, share, link, state));
	}

	private Mono<ServerResponse> render(ServerRequest request, Share share, Link link, @Nullable String state) {
		List<SharePages.Person> people = link.added()
			.stream()
			.filter((added) -> added.addedBy() == share.recipient().index())
			.map(ShareHandler::person)
			.toList();
		List<Right> shareable = share.shareable();
		Recipient recipient = share.recipient();
		// Whether the colleague, one share further away, may share in turn.
		boolean further = this.sharing.mayShareAt(recipient.depth() + 1);
		PageForm form = new PageForm(share.visit().action(), this.visits.token(share.visit(), SCOPE));
		return this.pages.page(request, form, shareable.contains(Right.SIGN), shareable.contains(Right.PAY), further,
				state, people);
	}

	private static SharePages.Person person(AddedRecipient added) {
		return new SharePages.Person(added.index(), added.rights().contains(Right.SIGN),
				added.rights().contains(Right.PAY), added.addedAt());
	}

	/**
	 * What a share request is about: the session (of the document this host or path
	 * names), its recipient, what they may pass on under which cap, the document's origin
	 * and the page's address; or the page that answers instead.
	 */
	private Mono<ServerResponse> withShare(ServerRequest request, Function<Share, Mono<ServerResponse>> then) {
		return this.visits.visit(request, GatewayPaths.SHARE, (visit) -> {
			Sessions.Valid session = visit.session();
			Sharing cap = session.settings().sharingFor(session.link().sharing());
			Recipient recipient = session.recipient();
			if (cap == Sharing.OFF || recipient == null || !session.claims().emailVerified()) {
				return this.messages.response(request, PageKind.NOT_FOUND);
			}
			List<Right> shareable = session.shareable(this.sharing.maxDepth());
			if (shareable.isEmpty()) {
				return this.messages.response(request, PageKind.NOT_SHAREABLE);
			}
			return then.apply(new Share(visit, recipient, shareable, cap));
		});
	}

	/**
	 * Whether the session may post once more: at most {@link #POSTS_PER_HOUR} shares and
	 * withdrawals an hour on this instance, each of which locks the link's row.
	 */
	private boolean spend(Sessions.Valid session) {
		return this.posts.get(session.claims().id(), (id) -> new AtomicInteger()).incrementAndGet() <= POSTS_PER_HOUR;
	}

	/** The rights the form names (view always), or null for anything else. */
	private static @Nullable Set<Right> rights(@Nullable List<String> given) {
		Set<Right> rights = EnumSet.of(Right.VIEW);
		if (given != null) {
			for (String right : given) {
				switch (right) {
					case "view" -> rights.add(Right.VIEW);
					case "sign" -> rights.add(Right.SIGN);
					case "pay" -> rights.add(Right.PAY);
					default -> {
						return null;
					}
				}
			}
		}
		return rights;
	}

	/**
	 * A share page's visit: its recipient, what they may pass on, under which cap.
	 */
	private record Share(DocumentVisits.Visit visit, Recipient recipient, List<Right> shareable, Sharing cap) {

		Sessions.Valid session() {
			return this.visit.session();
		}

		String linkId() {
			return this.visit.linkId();
		}

	}

}
