package dev.securelink.gateway.webhook;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.securelink.gateway.input.BadInputException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookEventTypesTests {

	@Test
	void requireValidWhenTypesFamiliesOrEverythingThenKept() {
		assertThat(WebhookEventTypes.requireValid(List.of("link.opened", "sign.*", "*"))).containsExactly("link.opened",
				"sign.*", "*");
	}

	@Test
	void requireValidWhenUnknownTypeOrFamilyOrNoneThenRefusedNamingEventTypes() {
		for (List<String> bad : List.<List<String>>of(List.of("link.clicked"), List.of("invoice.*"), List.of("link"),
				List.of())) {
			assertThatThrownBy(() -> WebhookEventTypes.requireValid(bad)).as(bad.toString())
				.isInstanceOf(BadInputException.class)
				.extracting((ex) -> ((BadInputException) ex).field())
				.isEqualTo("eventTypes");
		}
	}

}
