package dev.securelink.gateway.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says what to configure, one line per missing property, instead of a stack trace. */
class MissingConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<MissingConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingConfigurationException cause) {
		return new FailureAnalysis(
				"The gateway has no database to use, and starts none of its own in production. " + "Missing:\n  - "
						+ String.join("\n  - ", cause.missing()),
				"Configure the properties above (as environment variables: SPRING_R2DBC_URL, SECURELINK_KEYS_…), or, "
						+ "for development only, set SECURELINK_DATABASE_EMBEDDED=true.",
				cause);
	}

}
