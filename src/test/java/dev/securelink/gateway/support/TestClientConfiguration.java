package dev.securelink.gateway.support;

import java.time.Duration;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The tests' client drops pooled connections after 5 s idle, well before the gateway
 * closes them: a request sent on a connection the gateway is closing at that moment would
 * be reset, as with any client whose idle timeout outlives the server's (and some tests
 * shorten the gateway's deadlines).
 */
@TestConfiguration(proxyBeanMethods = false)
class TestClientConfiguration {

	@Bean
	WebTestClientBuilderCustomizer shortIdleConnections() {
		ConnectionProvider connections = ConnectionProvider.builder("test-client")
			.maxIdleTime(Duration.ofSeconds(5))
			.build();
		return (builder) -> builder.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)));
	}

}
