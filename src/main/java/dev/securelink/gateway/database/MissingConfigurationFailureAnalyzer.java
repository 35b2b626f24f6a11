package dev.securelink.gateway.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Says what to configure, one line per missing property, instead of a stack trace. */
class MissingConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<MissingConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MissingConfigurationException cause) {
		return new FailureAnalysis(cause.description() + " Missing:\n  - " + String.join("\n  - ", cause.missing()),
				cause.action(), cause);
	}

}
