package dev.securelink.gateway.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import org.jspecify.annotations.Nullable;

/**
 * The tests' mail relay: a real SMTP server (GreenMail) on a free loopback port, started
 * once per test JVM, which every gateway the tests start sends through. A test can stop
 * it (the relay is down) and start it again on the same port.
 */
public final class TestMail {

	private static @Nullable GreenMail server;

	private static int port;

	private TestMail() {
	}

	/** The relay's settings, as {@code spring.mail.*} and {@code securelink.mail.*}. */
	static synchronized Map<String, String> springProperties() {
		start();
		return Map.of("spring.mail.host", "127.0.0.1", "spring.mail.port", String.valueOf(port),
				"spring.mail.properties.mail.smtp.connectiontimeout", "2000",
				"spring.mail.properties.mail.smtp.timeout", "2000", "securelink.mail.from",
				"Secure documents <no-reply@docs.example.net>", "securelink.mail.poll-interval", "100ms",
				"securelink.mail.retry-schedule", "0s,1s,1s,1s,1s,1s,1s,1s", "securelink.mail.timeout", "5s");
	}

	/** Starts the relay (again) on its port. */
	public static synchronized void start() {
		if (server != null) {
			return;
		}
		if (port == 0) {
			port = Ports.free();
		}
		GreenMail started = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
		started.start();
		server = started;
	}

	/** Stops the relay: connections to its port are refused until {@link #start}. */
	public static synchronized void stop() {
		if (server != null) {
			server.stop();
			server = null;
		}
	}

	/** The mails received so far, in order. */
	public static synchronized List<MimeMessage> received() {
		start();
		return Arrays.asList(server.getReceivedMessages());
	}

	/** The mails received so far for {@code to}. */
	public static List<MimeMessage> receivedFor(String to) {
		List<MimeMessage> mails = new ArrayList<>();
		for (MimeMessage mail : received()) {
			try {
				for (Address recipient : mail.getAllRecipients()) {
					if (recipient.toString().contains(to)) {
						mails.add(mail);
					}
				}
			}
			catch (MessagingException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return mails;
	}

	/** Waits for the {@code n}-th mail to {@code to} (from 1), and answers it. */
	public static MimeMessage await(String to, int n) {
		org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> receivedFor(to).size() >= n);
		return receivedFor(to).get(n - 1);
	}

	/** The six-digit code in a mail's text part. */
	public static String code(MimeMessage mail) {
		java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(?m)^\\s+(\\d{6})\\s*$").matcher(text(mail));
		if (!matcher.find()) {
			throw new AssertionError("No code in the mail");
		}
		return matcher.group(1);
	}

	/** The text/plain part of {@code mail}. */
	public static String text(MimeMessage mail) {
		return part(mail, "text/plain");
	}

	/** The text/html part of {@code mail}. */
	public static String html(MimeMessage mail) {
		return part(mail, "text/html");
	}

	/** The whole mail as it was sent, headers and body. */
	public static String raw(MimeMessage mail) {
		return GreenMailUtil.getWholeMessage(mail);
	}

	private static String part(Part part, String type) {
		try {
			if (part.isMimeType(type)) {
				return (String) part.getContent();
			}
			if (part.isMimeType("multipart/*")) {
				Multipart multipart = (Multipart) part.getContent();
				for (int i = 0; i < multipart.getCount(); i++) {
					BodyPart child = multipart.getBodyPart(i);
					String found = partOrNull(child, type);
					if (found != null) {
						return found;
					}
				}
			}
			throw new AssertionError("No " + type + " part");
		}
		catch (MessagingException | java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static @Nullable String partOrNull(Part part, String type) {
		try {
			return part(part, type);
		}
		catch (AssertionError ex) {
			return null;
		}
	}

}
