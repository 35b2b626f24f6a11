package dev.securelink.gateway.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

import dev.securelink.gateway.GatewayApplication;

/**
 * The JVM-wide settings {@code GatewayApplication.main} makes, made before any test: the
 * test upstream's Reactor Netty server may load the classes that read them before any
 * gateway starts.
 */
public class GatewayJvmSettings implements LauncherSessionListener {

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		GatewayApplication.configureReactorNetty();
	}

}
