package dev.securelink.gateway.support;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;

/**
 * Keeps every log line of the test JVM in memory (configured in logback-test.xml) for the
 * log-hygiene check.
 */
public class CapturingAppender extends AppenderBase<ILoggingEvent> {

	private static final ConcurrentLinkedQueue<String> LINES = new ConcurrentLinkedQueue<>();

	@Override
	protected void append(ILoggingEvent event) {
		StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
		for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
			line.append(" | ").append(cause.getClassName()).append(": ").append(cause.getMessage());
		}
		event.getMDCPropertyMap().forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
		LINES.add(line.toString());
	}

	public static List<String> lines() {
		return List.copyOf(LINES);
	}

}
