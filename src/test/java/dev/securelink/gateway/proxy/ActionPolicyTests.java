package dev.securelink.gateway.proxy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.securelink.gateway.link.Right;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which paths of a document are its sign and pay actions: a pattern ending in {@code /**}
 * covers its prefix and everything below it, and nothing that merely starts with the same
 * letters; any other pattern only itself.
 */
class ActionPolicyTests {

	private final ActionPolicy defaults = new ActionPolicy(List.of("/sign/**"), List.of("/pay/**"));

	@Test
	void actionOfWhenUnderAPrefixPatternThenItsRightAtEveryDepth() {
		assertThat(this.defaults.actionOf("/sign")).isEqualTo(Right.SIGN);
		assertThat(this.defaults.actionOf("/sign/")).isEqualTo(Right.SIGN);
		assertThat(this.defaults.actionOf("/sign/submit/final")).isEqualTo(Right.SIGN);
		assertThat(this.defaults.actionOf("/pay")).isEqualTo(Right.PAY);
		assertThat(this.defaults.actionOf("/pay/card")).isEqualTo(Right.PAY);
	}

	@Test
	void actionOfWhenAPathOnlySharesThePrefixLettersThenNoAction() {
		assertThat(this.defaults.actionOf("/signature")).isNull();
		assertThat(this.defaults.actionOf("/payment/card")).isNull();
		assertThat(this.defaults.actionOf("/")).isNull();
		assertThat(this.defaults.actionOf("/invoice/sign")).isNull();
	}

	@Test
	void actionOfWhenThePatternIsExactThenOnlyThatPath() {
		ActionPolicy exact = new ActionPolicy(List.of("/offer/accept"), List.of("/checkout"));

		assertThat(exact.actionOf("/offer/accept")).isEqualTo(Right.SIGN);
		assertThat(exact.actionOf("/offer/accept/now")).isNull();
		assertThat(exact.actionOf("/checkout")).isEqualTo(Right.PAY);
		assertThat(exact.actionOf("/checkout/")).isNull();
	}

	@Test
	void actionOfWhenBothPatternsMatchThenSignWins() {
		ActionPolicy overlapping = new ActionPolicy(List.of("/act/**"), List.of("/act/**", "/pay/**"));

		assertThat(overlapping.actionOf("/act/now")).isEqualTo(Right.SIGN);
		assertThat(overlapping.actionOf("/pay/now")).isEqualTo(Right.PAY);
	}

	@Test
	void actionOfWhenNoPatternsThenNoActionAnywhere() {
		ActionPolicy none = new ActionPolicy(List.of(), List.of());

		assertThat(none.actionOf("/sign/x")).isNull();
		assertThat(none.actionOf("/pay")).isNull();
	}

}
