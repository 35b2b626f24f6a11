package dev.securelink.gateway.webhook;

import java.net.InetAddress;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.securelink.gateway.input.BadInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where a webhook may go: an https URL whose host is no address of IANA's special-purpose
 * registries (each block tested from its first to its last address, and as an IPv4-mapped
 * address), never a name that stands for loopback.
 */
class WebhookDestinationsTests {

	@ParameterizedTest
	@ValueSource(strings = { "https://hooks.example.com/securelink", "https://8.8.8.8/x",
			"https://[2001:4860:4860::8888]:8443/x", "https://example.com:443/a?b=c" })
	void requireValidUrlWhenPublicHttpsThenAccepted(String url) {
		assertThat(WebhookDestinations.requireValidUrl(url, false)).isEqualTo(url);
	}

	@ParameterizedTest
	@ValueSource(strings = { "https://127.0.0.1/x", "https://10.1.2.3/", "https://172.16.0.1/", "https://192.168.1.1/",
			"https://169.254.169.254/latest/meta-data", "https://100.64.0.1/", "https://0.0.0.0/",
			"https://255.255.255.255/", "https://224.0.0.1/", "https://[::1]/", "https://[::]/", "https://[fe80::1]/",
			"https://[fc00::1]/", "https://[fd12:3456::1]/", "https://[::ffff:127.0.0.1]/",
			"https://[::ffff:10.0.0.1]/", "https://[64:ff9b::a00:1]/", "https://[64:ff9b::127.0.0.1]/",
			"https://[::127.0.0.1]/", "https://[::ffff:100.64.0.1]/", "https://localhost/", "https://LOCALHOST:8443/",
			"https://api.localhost/" })
	void requireValidUrlWhenTheHostIsInAPrivateNetworkThenRefusedNamingUrl(String url) {
		assertThatThrownBy(() -> WebhookDestinations.requireValidUrl(url, false)).isInstanceOf(BadInputException.class)
			.hasMessageContaining("private network")
			.extracting((ex) -> ((BadInputException) ex).field())
			.isEqualTo("url");
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://hooks.example.com/", "ftp://hooks.example.com/", "hooks.example.com/x", "/x",
			"https://user:pass@hooks.example.com/", "https://hooks.example.com/#frag", "https:///x", "https://127.1/",
			"https://2130706433/", "https://1.2.3.4.5/", "https://300.1.1.1/", "", " " })
	void requireValidUrlWhenNotAnAbsoluteHttpsUrlWithAHostThenRefusedNamingUrl(String url) {
		assertThatThrownBy(() -> WebhookDestinations.requireValidUrl(url, false)).isInstanceOf(BadInputException.class)
			.extracting((ex) -> ((BadInputException) ex).field())
			.isEqualTo("url");
	}

	@ParameterizedTest
	@ValueSource(strings = { "http://127.0.0.1:8080/hook", "http://localhost/hook", "https://10.0.0.5/hook" })
	void requireValidUrlWhenPrivateDestinationsAreAllowedThenHttpAndPrivateHostsPass(String url) {
		assertThat(WebhookDestinations.requireValidUrl(url, true)).isEqualTo(url);
	}

	static Stream<SpecialPurposeAddresses.Block> specialPurposeBlocks() {
		return Stream.concat(SpecialPurposeAddresses.IPV4.stream(), SpecialPurposeAddresses.IPV6.stream());
	}

	@ParameterizedTest
	@MethodSource("specialPurposeBlocks")
	void isPublicWhenInAnySpecialPurposeBlockThenFalseFromItsFirstToItsLastAddress(SpecialPurposeAddresses.Block block)
			throws Exception {
		byte[] last = block.network().clone();
		for (int bit = block.prefix(); bit < last.length * 8; bit++) {
			last[bit / 8] |= (byte) (0x80 >> (bit % 8));
		}
		assertThat(WebhookDestinations.isPublic(InetAddress.getByAddress(block.network()))).as(block.cidr()).isFalse();
		assertThat(WebhookDestinations.isPublic(InetAddress.getByAddress(last))).as(block.cidr()).isFalse();
		if (block.network().length == 4) {
			byte[] mapped = new byte[16];
			mapped[10] = (byte) 0xff;
			mapped[11] = (byte) 0xff;
			System.arraycopy(last, 0, mapped, 12, 4);
			assertThat(WebhookDestinations.isPublic(InetAddress.getByAddress(mapped))).as("mapped " + block.cidr())
				.isFalse();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "2002:c000:0204::1", "64:ff9b:1::8.8.8.8", "198.18.0.1", "198.19.255.254", "192.0.0.9",
			"192.0.0.170", "240.0.0.1", "254.1.2.3", "2001:db8::1", "3fff::1", "100::1", "5f00::1", "2001:2::1" })
	void isPublicWhenInTheBlocksTheReviewNamedThenFalse(String address) throws Exception {
		assertThat(WebhookDestinations.isPublic(InetAddress.getByName(address))).as(address).isFalse();
	}

	@ParameterizedTest
	@ValueSource(strings = { "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "64:ff9b::5db8:d822" })
	void isPublicWhenAPublicAddressThenTrue(String address) throws Exception {
		assertThat(WebhookDestinations.isPublic(InetAddress.getByName(address))).isTrue();
	}

}
