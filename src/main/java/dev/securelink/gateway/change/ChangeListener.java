package dev.securelink.gateway.change;

/** A cache that forgets what the change feed says changed. */
public interface ChangeListener {

	void changed(Change change);

	/**
	 * The feed was interrupted and notifications may have been missed: forget everything.
	 */
	void changesMissed();

}
