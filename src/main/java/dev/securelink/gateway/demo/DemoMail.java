package dev.securelink.gateway.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Profile;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.web.util.HtmlUtils;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The demo's mail relay: an SMTP server in process (GreenMail) on
 * {@code securelink.demo.mail-port}, which the gateway's mails go to instead of a real
 * relay, and the page that lists what it received ({@code /_demo/mail} on the demo
 * document service), so that a newcomer sees the code mode work end to end. Never in the
 * jar: the SMTP server is a development dependency, and this class is only loaded when it
 * is on the class path.
 */
@Component
@Profile("demo")
@ConditionalOnProperty("securelink.demo.mail-port")
class DemoMail implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(DemoMail.class);

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
		.withZone(ZoneId.systemDefault());

	private final int port;

	private volatile @Nullable GreenMail server;

	DemoMail(Environment environment) {
		this.port = environment.getRequiredProperty("securelink.demo.mail-port", Integer.class);
	}

	@Override
	public void start() {
		GreenMail started = new GreenMail(new ServerSetup(this.port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		started.start();
		this.server = started;
		logger.info("Demo mail relay listening on port " + this.port);
	}

	@Override
	public void stop() {
		GreenMail current = this.server;
		if (current != null) {
			current.stop();
			this.server = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.server != null;
	}

	/** Starts before the gateway, so that the first mail finds it. */
	@Override
	public int getPhase() {
		return Integer.MIN_VALUE + 100;
	}

	/**
	 * The page listing the mails received, newest first: when, to whom, the subject and
	 * the text (where the code is). Read off the event loop.
	 */
	Mono<Void> page(HttpServerResponse response) {
		return Mono.fromCallable(this::render)
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((page) -> response.header("Content-Type", "text/html; charset=utf-8")
				.header("Cache-Control", "no-store")
				.sendString(Mono.just(page), StandardCharsets.UTF_8)
				.then());
	}

	/** The HTML part of mail number {@code index} (from 0, in the order received). */
	Mono<Void> html(HttpServerResponse response, int index) {
		return Mono.fromCallable(() -> {
			GreenMail current = this.server;
			MimeMessage[] received = (current != null) ? current.getReceivedMessages() : new MimeMessage[0];
			return (index >= 0 && index < received.length) ? part(received[index], "text/html") : "";
		})
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((html) -> html.isEmpty() ? response.status(404).send()
					: response.header("Content-Type", "text/html; charset=utf-8")
						.header("Cache-Control", "no-store")
						.sendString(Mono.just(html), StandardCharsets.UTF_8)
						.then());
	}

	private String render() throws MessagingException, IOException {
		GreenMail current = this.server;
		MimeMessage[] received = (current != null) ? current.getReceivedMessages() : new MimeMessage[0];
		List<String> items = new ArrayList<>();
		for (int i = received.length - 1; i >= 0; i--) {
			MimeMessage mail = received[i];
			items.add("""
					<article><h2>%s</h2><p class="meta">%s · to %s · %s · <a href="mail/%d">as HTML</a></p>
					<pre>%s</pre></article>
					""".formatted(escape(mail.getSubject()),
					(mail.getSentDate() != null) ? TIME.format(mail.getSentDate().toInstant()) : "",
					escape(String.join(", ", List.of(mail.getAllRecipients()).stream().map(Object::toString).toList())),
					escape((mail.getContentLanguage() != null) ? mail.getContentLanguage()[0] : ""), i,
					escape(part(mail, "text/plain"))));
		}
		return """
				<!DOCTYPE html>
				<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
				<meta http-equiv="refresh" content="5"><title>Demo mailbox</title>
				<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem}
				article{border:1px solid #ccc;border-radius:.4rem;padding:0 1rem;margin:1rem 0}
				h2{font-size:1.1rem}.meta{color:#555}pre{white-space:pre-wrap;font:inherit}</style></head>
				<body><main><h1>Demo mailbox</h1>
				<p>Every mail the gateway sent in this demo (an SMTP server inside it), newest first; the page refreshes
				itself. In production, mails go to the relay configured with <code>spring.mail.*</code>.</p>
				%s</main></body></html>
				""".formatted(items.isEmpty() ? "<p><em>No mail yet.</em></p>" : String.join("", items));
	}

	/**
	 * The part of a mail of {@code type} ({@code text/plain}, {@code text/html}), or "".
	 */
	private static String part(Part part, String type) throws MessagingException, IOException {
		if (part.isMimeType(type)) {
			return (String) part.getContent();
		}
		if (part.isMimeType("multipart/*")) {
			Multipart multipart = (Multipart) part.getContent();
			for (int i = 0; i < multipart.getCount(); i++) {
				BodyPart child = multipart.getBodyPart(i);
				String text = part(child, type);
				if (!text.isEmpty()) {
					return text;
				}
			}
		}
		return "";
	}

	private static String escape(@Nullable String text) {
		return (text != null) ? HtmlUtils.htmlEscape(text) : "";
	}

}
