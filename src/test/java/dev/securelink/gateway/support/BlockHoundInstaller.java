package dev.securelink.gateway.support;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;
import reactor.blockhound.BlockHound;

/**
 * Installs BlockHound once per test JVM, before any test, so that a blocking call on an
 * event-loop thread fails the request (and the test) that made it. The allow-list is as
 * short as it can be; each entry says why.
 */
public class BlockHoundInstaller implements LauncherSessionListener {

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		BlockHound.install((builder) -> builder
			// SecureRandom's reads of /dev/urandom never wait once the kernel's pool is
			// initialised (at boot).
			.allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes")
			// Netty 4.2's adaptive allocator takes a StampedLock for an instant when a
			// magazine grows; Netty's own
			// BlockHound integration allows the allocating side but not this freeing side
			// yet.
			.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free")
			// Jackson 3 builds a body type's deserializer on first use under a
			// ReentrantLock
			// (DeserializerCache's _incompleteDeserializersLock): two loops meeting a new
			// type at once wait for each other for as long as building it takes, CPU work
			// without I/O. The gateway no longer pre-builds them through Jackson's
			// internals.
			.allowBlockingCallsInside("tools.jackson.databind.deser.DeserializerCache",
					"_createAndCacheValueDeserializer"));
	}

}
