package dev.securelink.gateway.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Renders the e-mail prompt once per language and error at start-up, so that its template
 * and message bundles are read from the jar here, on the main thread, and never by a
 * request on an event-loop thread (the message pages are rendered once and kept by
 * {@link MessagePages}).
 */
@Component
class PageWarmUp implements SmartInitializingSingleton {

	private final ITemplateEngine templates;

	PageWarmUp(ITemplateEngine templates) {
		this.templates = templates;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> languages = PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList();
		for (Locale locale : PageLocales.SUPPORTED) {
			for (String error : new String[] { "mismatch", "blank" }) {
				this.templates.process("prompt", new Context(locale, Map.of("formAction", "/l/warm-up", "csrf", "",
						"action", "view", "error", error, "languages", languages)));
			}
		}
	}

}
