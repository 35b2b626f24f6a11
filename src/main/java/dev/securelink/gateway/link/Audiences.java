package dev.securelink.gateway.link;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import crawlercommons.domains.EffectiveTldFinder;
import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.securelink.gateway.input.BadInputException;

/**
 * An organisation as a link's audience ({@code allowDomains}): any mailbox at one of the
 * named domains that proves itself with an e-mail code. A domain must be registrable
 * (never a public suffix such as {@code co.uk} or {@code github.io}: the public-suffix
 * list, bundled with crawler-commons) and no public webmail provider's (the maintained
 * list of the npm package {@code free-email-domains}, bundled as a resource): a typed
 * address at such a domain tells nothing about who holds it.
 */
@Component
public class Audiences {

	/** At most this many domains per link. */
	static final int MAX_DOMAINS = 10;

	private final Set<String> webmail;

	Audiences() {
		// Both lists are read once here, at start-up, never on an event loop.
		this.webmail = load();
		EffectiveTldFinder.getAssignedDomain("example.com", true, false);
	}

	/**
	 * The domains as stored: each trimmed, lower-cased and in its ASCII (punycode) form,
	 * without duplicates; a 400 naming {@code allowDomains} for anything else.
	 */
	List<String> requireValid(List<String> given) {
		if (given.size() > MAX_DOMAINS) {
			throw new BadInputException("allowDomains", "may name at most " + MAX_DOMAINS + " domains");
		}
		List<String> domains = new ArrayList<>();
		for (String raw : given) {
			String domain = ascii(raw);
			if (domain == null || !RecipientMacs.DOMAIN.matcher(domain).matches()) {
				throw new BadInputException("allowDomains", "must be domain names such as acme.be");
			}
			if (!domain.equals(EffectiveTldFinder.getAssignedDomain(domain, true, false))) {
				throw new BadInputException("allowDomains", "must be a registrable domain such as acme.be, not a "
						+ "public suffix or a name below the organisation's domain: '" + domain + "'");
			}
			if (isWebmail(domain)) {
				throw new BadInputException("allowDomains",
						"may not name a public webmail domain, where anyone can get an address: '" + domain + "'");
			}
			if (!domains.contains(domain)) {
				domains.add(domain);
			}
		}
		return List.copyOf(domains);
	}

	/** Whether anyone can get an address at {@code domain} (ASCII, lower-case). */
	boolean isWebmail(String domain) {
		return this.webmail.contains(domain);
	}

	/**
	 * Whether {@code address} (normalized) is a plain mailbox at one of the link's
	 * allowed domains ({@link RecipientMacs#isPlain}: the domain a mail would go to).
	 */
	public boolean admits(Link link, String address) {
		if (link.allowDomains().isEmpty() || !RecipientMacs.isPlain(address)) {
			return false;
		}
		int at = address.lastIndexOf('@');
		String domain = (at > 0) ? ascii(address.substring(at + 1)) : null;
		return domain != null && link.allowDomains().contains(domain);
	}

	/** {@code name} trimmed, lower-cased, in ASCII; null when it is no domain name. */
	private static @Nullable String ascii(String name) {
		try {
			return IDN.toASCII(RecipientMacs.normalize(name), IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static Set<String> load() {
		Set<String> domains = new HashSet<>();
		try (InputStream in = Audiences.class.getResourceAsStream("/webmail/free-email-domains.txt")) {
			if (in == null) {
				throw new IllegalStateException("webmail/free-email-domains.txt is missing from the class path");
			}
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (!line.isBlank() && !line.startsWith("#")) {
					domains.add(line.strip());
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return Set.copyOf(domains);
	}

}
