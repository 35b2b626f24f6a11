package dev.securelink.gateway.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Renders every page once per language at start-up, so that templates and message bundles are read from the
 * jar here, on the main thread, and never by a request on an event-loop thread.
 */
@Component
class PageWarmUp implements SmartInitializingSingleton {

	private static final List<String> MESSAGE_KINDS = List.of("notfound", "session", "locked", "forbidden",
			"unavailable", "badpath", "toolarge", "badgateway", "timeout", "method", "busy");

	private final ITemplateEngine templates;

	PageWarmUp(ITemplateEngine templates) {
		this.templates = templates;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> languages = PageLocales.SUPPORTED.stream().map(Locale::getLanguage).toList();
		for (Locale locale : PageLocales.SUPPORTED) {
			for (String kind : MESSAGE_KINDS) {
				this.templates.process("message", new Context(locale, Map.of("kind", kind, "languages", languages)));
			}
			for (String error : new String[] { "mismatch", "blank" }) {
				this.templates.process("prompt", new Context(locale, Map.of("formAction", "/l/warm-up", "csrf", "",
						"action", "view", "error", error, "languages", languages)));
			}
		}
	}

}
