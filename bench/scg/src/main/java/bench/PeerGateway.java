package bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Spring Cloud Gateway as users would put it at the edge: one route, configured in
 * application.properties, to the upstream named by {@code bench.upstream}.
 */
@SpringBootApplication
public class PeerGateway {

	public static void main(String[] args) {
		SpringApplication.run(PeerGateway.class, args);
	}

}
