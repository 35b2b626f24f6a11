package dev.securelink.gateway.mail;

import java.util.Locale;
import java.util.Map;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;
import org.springframework.context.MessageSource;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.thymeleaf.ITemplateEngine;
import org.thymeleaf.context.Context;

/**
 * Writes a code mail in the visitor's language, as plain text and HTML: it names the
 * company that sent the document (or says "a company" without a display name), shows the
 * code in the body only (never in the subject, never as a link a scanner could spend),
 * says how long and where it works and what to do when the visitor did not ask for it,
 * and nothing about the document. It carries {@code Auto-Submitted: auto-generated}, so
 * that no auto-responder answers it.
 */
class MailComposer {

	private final MessageSource messages;

	private final ITemplateEngine templates;

	private final InternetAddress from;

	MailComposer(MessageSource messages, ITemplateEngine templates, InternetAddress from) {
		this.messages = messages;
		this.templates = templates;
		this.from = from;
	}

	/** The code mail of {@code content}, in {@code locale}. */
	MimeMessage code(JavaMailSender relay, Locale locale, MailOutbox.Content content) throws MessagingException {
		String sender = content.sender();
		// No arguments for the variants without a name: their apostrophes are not
		// MessageFormat's.
		Object @Nullable [] company = (sender != null) ? new Object[] { sender } : null;
		String variant = (sender != null) ? "" : ".anonymous";
		Object[] minutes = { content.minutes() };
		String subject = message("mail.code.subject" + variant, company, locale);
		String intro = message("mail.code.intro" + variant, company, locale);
		String validity = message("mail.code.validity", minutes, locale);
		String ignore = message("mail.code.ignore" + variant, company, locale);
		String text = String.join("\n\n", message("mail.code.greeting", locale), intro, "    " + content.code(),
				validity, ignore, "-- \n" + message("mail.code.automatic", locale)) + "\n";
		Map<String, Object> model = Map.of("subject", subject, "intro", intro, "code", content.code(), "validity",
				validity, "ignore", ignore);
		MimeMessage mail = relay.createMimeMessage();
		MimeMessageHelper helper = new MimeMessageHelper(mail, true, "UTF-8");
		helper.setFrom(this.from);
		helper.setTo(content.to());
		helper.setSubject(subject);
		helper.setText(text, this.templates.process("mail/code", new Context(locale, model)));
		mail.setHeader("Auto-Submitted", "auto-generated");
		mail.setHeader("X-Auto-Response-Suppress", "All");
		mail.setHeader("Content-Language", locale.getLanguage());
		return mail;
	}

	private String message(String key, Locale locale) {
		return this.messages.getMessage(key, null, locale);
	}

	private String message(String key, Object @Nullable [] arguments, Locale locale) {
		return this.messages.getMessage(key, arguments, locale);
	}

}
