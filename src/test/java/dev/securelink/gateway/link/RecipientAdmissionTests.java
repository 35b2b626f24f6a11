package dev.securelink.gateway.link;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.securelink.gateway.tenant.Sharing;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Who may open a link, without Spring: the recipients it was created for always, a
 * colleague within what was given and the cap as it is now, a person of an allowed domain
 * only with the mailbox proven; and which typed addresses are plain mailboxes.
 */
class RecipientAdmissionTests {

	private static final byte[] NAMED = mac(1);

	private static final byte[] COLLEAGUE = mac(2);

	private static final byte[] OF_DOMAIN = mac(3);

	private final Link link = new Link("AAAAAAAAAAAAAAAA", "t", "/doc", EnumSet.allOf(Right.class), NAMED, null,
			Instant.EPOCH, Instant.MAX, null, 0, Set.of(), true, null, List.of("acme.be"),
			List.of(new AddedRecipient(1, COLLEAGUE, 0, EnumSet.of(Right.VIEW, Right.SIGN), 1, Instant.EPOCH),
					new AddedRecipient(2, OF_DOMAIN, -1, EnumSet.allOf(Right.class), 0, Instant.EPOCH)),
			new byte[0], List.of());

	@Test
	void admitsWhenNamedThenAlwaysWhenAColleagueThenWithinWhatWasGivenAndTheCap() {
		assertThat(this.link.admittedIndexOf(NAMED, false, Sharing.OFF)).isZero();
		assertThat(this.link.admittedIndexOf(COLLEAGUE, false, Sharing.VIEW_SIGN)).isEqualTo(1);
		assertThat(this.link.admittedIndexOf(COLLEAGUE, false, Sharing.VIEW)).as("given more than the cap now")
			.isEqualTo(-1);
		assertThat(this.link.admittedIndexOf(COLLEAGUE, false, Sharing.OFF)).isEqualTo(-1);
		assertThat(this.link.admits(1, EnumSet.of(Right.VIEW, Right.PAY), true, Sharing.FULL))
			.as("a session claiming more than was given")
			.isFalse();
		assertThat(this.link.admits(7, EnumSet.of(Right.VIEW), true, Sharing.FULL)).as("no such person").isFalse();
	}

	@Test
	void admitsWhenOfAnAllowedDomainThenOnlyWithTheMailboxProven() {
		assertThat(this.link.admittedIndexOf(OF_DOMAIN, false, Sharing.FULL)).isEqualTo(-1);
		assertThat(this.link.admittedIndexOf(OF_DOMAIN, true, Sharing.OFF)).as("no share: the cap does not apply")
			.isEqualTo(2);
		assertThat(this.link.recipient(2).delegated()).isFalse();
		assertThat(this.link.recipient(1).delegatedBy()).isZero();
	}

	@ParameterizedTest
	@ValueSource(strings = { "anna@example.com", "o'brien+invoices@acme.be", "jürgen@müller.de", "a.b-c_d@x.io" })
	void isPlainWhenAMailboxThenTrue(String address) {
		assertThat(RecipientMacs.isPlain(RecipientMacs.normalize(address))).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "<a@evil.example>@acme.be", "a@evil.example(x)@acme.be", "Bob <bob@acme.be>",
			"\"a@b\"@acme.be", "a%evil.example@acme.be", "a!b@acme.be", "a b@acme.be", "a..b@acme.be", ".a@acme.be",
			"a@acme", "a@-acme.be", "@acme.be", "a@", "a@acme.be." })
	void isPlainWhenAnythingElseThenFalse(String address) {
		assertThat(RecipientMacs.isPlain(RecipientMacs.normalize(address))).isFalse();
	}

	private static byte[] mac(int fill) {
		byte[] mac = new byte[RecipientMacs.MAC_BYTES];
		java.util.Arrays.fill(mac, (byte) fill);
		return mac;
	}

}
