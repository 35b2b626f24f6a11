package dev.securelink.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayApplicationTests {

	@Test
	void reactorNettyFlagIsSetUnlessTheOperatorSetIt() {
		String before = System.getProperty(GatewayApplication.LAST_FLUSH_WHEN_NO_READ);
		try {
			System.clearProperty(GatewayApplication.LAST_FLUSH_WHEN_NO_READ);
			GatewayApplication.configureReactorNetty();
			assertThat(System.getProperty(GatewayApplication.LAST_FLUSH_WHEN_NO_READ)).isEqualTo("true");
			System.setProperty(GatewayApplication.LAST_FLUSH_WHEN_NO_READ, "false");
			GatewayApplication.configureReactorNetty();
			assertThat(System.getProperty(GatewayApplication.LAST_FLUSH_WHEN_NO_READ)).isEqualTo("false");
		}
		finally {
			if (before != null) {
				System.setProperty(GatewayApplication.LAST_FLUSH_WHEN_NO_READ, before);
			}
			else {
				System.clearProperty(GatewayApplication.LAST_FLUSH_WHEN_NO_READ);
			}
		}
	}

}
