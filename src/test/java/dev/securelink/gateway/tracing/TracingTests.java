package dev.securelink.gateway.tracing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import dev.securelink.gateway.support.Admin;
import dev.securelink.gateway.support.Behaviour;
import dev.securelink.gateway.support.Browser;
import dev.securelink.gateway.support.CapturingAppender;
import dev.securelink.gateway.support.CreatedLink;
import dev.securelink.gateway.support.GatewayTest;
import dev.securelink.gateway.support.Instances;
import dev.securelink.gateway.support.OtlpReceiver;
import dev.securelink.gateway.support.TestDatabase;
import dev.securelink.gateway.support.TestKeys;
import dev.securelink.gateway.support.TestUpstream;
import dev.securelink.gateway.webhook.WebhookReceiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tracing as an operator turns it on, against a real OTLP/HTTP receiver: a gateway (on a
 * database of its own, so that its webhook deliveries are its own) exports the span tree
 * of a document request (the request, its database calls and its upstream hop), sends
 * {@code traceparent} upstream and with each webhook delivery, writes the trace id in its
 * access log, and no span carries the code, the address or a path beyond the route. The
 * shared test gateway, configured like a default installation, makes no span at all.
 */
@GatewayTest
class TracingTests {

	static String database;

	static OtlpReceiver otlp;

	static WebhookReceiver hooks;

	static ConfigurableApplicationContext traced;

	@Autowired
	WebTestClient client;

	@Autowired
	ApplicationContext shared;

	@BeforeAll
	static void start() throws SQLException {
		database = "tracing_" + UUID.randomUUID().toString().replace("-", "");
		try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
			statement.execute("create database " + database);
		}
		otlp = new OtlpReceiver();
		hooks = new WebhookReceiver();
		traced = Instances.start(new String[0], "--server.port=0", "--management.server.port=0",
				"--securelink.test.in-process=true",
				// The tests' requests come from 127.0.0.1: an untrusted client here.
				"--securelink.trusted-proxies=::1/128",
				"--spring.r2dbc.url=" + TestDatabase.server().onDatabase(database).r2dbcUrl(),
				"--" + TracingSwitch.ENDPOINT + "=" + otlp.url(), "--management.tracing.sampling.probability=1.0",
				"--management.opentelemetry.tracing.export.schedule-delay=100ms");
	}

	@AfterAll
	static void stop() throws SQLException {
		if (traced != null) {
			traced.close();
		}
		if (hooks != null) {
			hooks.close();
		}
		if (otlp != null) {
			otlp.close();
		}
		try (Connection admin = TestDatabase.jdbcConnection(); Statement statement = admin.createStatement()) {
			statement.execute("drop database if exists " + database + " with (force)");
		}
	}

	@Test
	@Behaviour({ "38a", "38b" })
	void documentRequestWhenTracedThenItsSpanTreeIsExportedAndNoSpanHoldsASecret() {
		WebTestClient gateway = Instances.client(traced, "local.server.port");
		Admin admin = new Admin(gateway);
		String tenant = Admin.newTenant();
		gateway.post()
			.uri("/admin/v1/tenants/" + tenant + "/webhooks")
			.header(HttpHeaders.AUTHORIZATION, "Bearer " + TestKeys.token(tenant, "webhooks:write"))
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("url", hooks.url("/hook"), "eventTypes", List.of("link.*")))
			.exchange()
			.expectStatus()
			.isCreated();
		String document = "/invoices/traced-" + UUID.randomUUID();
		CreatedLink link = admin.createLink(tenant, Map.of("document", document, "recipients",
				List.of("anna.traced@example.com"), "rights", List.of("pay")));
		Browser anna = new Browser(gateway);
		anna.verify(link.path(), "anna.traced@example.com");
		// A share, and the colleague's own verification: traced like the rest.
		String share = "/_gw/share/" + link.id();
		assertThat(anna
			.post(share, Map.of("csrf", Browser.csrfToken(anna.get(share)), "op", "share", "email",
					"colleague.traced@example.org"))
			.getStatus()
			.value()).isEqualTo(200);
		assertThat(new Browser(gateway).verify(link.path(), "colleague.traced@example.org").getStatus().value())
			.isEqualTo(303);
		byte[] colleague = traced.getBean(dev.securelink.gateway.link.RecipientMacs.class)
			.mac("colleague.traced@example.org");
		String forged = "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01";
		assertThat(gateway.post()
			.uri("/d/" + link.id() + "/pay/now")
			.header(HttpHeaders.COOKIE, anna.cookieHeader())
			.header(HttpHeaders.ORIGIN, Browser.ORIGIN)
			.header("traceparent", forged)
			.header("tracestate", "vendor=forged")
			.header("baggage", "tenant=someone-else")
			.header("X-B3-TraceId", "ab".repeat(16))
			.header("uber-trace-id", "ab:cd:0:1")
			.contentType(MediaType.APPLICATION_FORM_URLENCODED)
			.bodyValue("amount=12")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value()).isEqualTo(200);

		OtlpReceiver.Span request = await().atMost(Duration.ofSeconds(10))
			.until(() -> span("POST /d/{linkId}/**"), (found) -> found != null);
		String tree = otlp.spans()
			.stream()
			.filter((span) -> span.traceId().equals(request.traceId()))
			.map((span) -> span.name() + " " + span.kind() + " " + span.spanId() + "<" + span.parentSpanId())
			.collect(Collectors.joining("\n"));
		assertThat(request.kind()).isEqualTo("SPAN_KIND_SERVER");
		assertThat(request.attribute("http.route")).isEqualTo("/d/{linkId}/**");
		assertThat(request.attribute("http.response.status_code")).isEqualTo("200");
		OtlpReceiver.Span hop = await().atMost(Duration.ofSeconds(10))
			.until(() -> child(request, "upstream POST"), (found) -> found != null);
		assertThat(hop.kind()).as(tree).isEqualTo("SPAN_KIND_CLIENT");
		assertThat(hop.attribute("http.response.status_code")).isEqualTo("200");
		assertThat(database(request)).as("the submission's database calls: " + tree).hasSizeGreaterThanOrEqualTo(2);
		TestUpstream.Received forwarded = TestUpstream.received(document)
			.get(TestUpstream.received(document).size() - 1);
		assertThat(forwarded.header("traceparent")).as("the upstream continues the trace under the hop")
			.isEqualTo("00-" + request.traceId() + "-" + hop.spanId() + "-01");
		assertThat(request.traceId()).as("an untrusted client's traceparent is not followed")
			.isNotEqualTo("ab".repeat(16));
		assertThat(request.parentSpanId()).isEmpty();
		assertThat(forwarded.header("baggage")).as("nor its baggage passed on").isNull();
		assertThat(forwarded.header("tracestate")).as("nor any other trace context").isNull();
		assertThat(forwarded.header("X-B3-TraceId")).isNull();
		assertThat(forwarded.header("uber-trace-id")).isNull();

		// The link flow's WebFlux routes: named by template, with their database calls.
		OtlpReceiver.Span verify = span("POST /l/{code}");
		assertThat(verify).as(names()).isNotNull();
		assertThat(span("GET /l/{code}")).as(names()).isNotNull();
		assertThat(database(verify)).as("the address check's database calls: " + tree(verify)).isNotEmpty();

		// Each webhook delivery is a client span whose traceparent goes along.
		WebhookReceiver.Received delivery = hooks.await("link.created", 1).get(0);
		String traceparent = delivery.header("traceparent");
		assertThat(traceparent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
		OtlpReceiver.Span attempt = await().atMost(Duration.ofSeconds(10))
			.until(() -> otlp.spans()
				.stream()
				.filter((span) -> traceparent.equals("00-" + span.traceId() + "-" + span.spanId() + "-01"))
				.findFirst()
				.orElse(null), (found) -> found != null);
		assertThat(attempt.name()).isEqualTo("webhook POST");
		assertThat(attempt.kind()).isEqualTo("SPAN_KIND_CLIENT");

		// The access log names the trace, in its line and in the JSON logs' MDC.
		assertThat(CapturingAppender.lines()).anySatisfy(
				(line) -> assertThat(line).startsWith("securelink.access POST /d/" + link.id() + "/pay/now 200 ")
					.contains(" trace=" + request.traceId())
					.contains("traceId=" + request.traceId()));

		// No span, attribute, event or status anywhere holds a secret or a document
		// path.
		List<String> secrets = List.of(link.code(), "anna.traced@example.com", "pay/now", document, anna.cookieHeader(),
				"colleague.traced@example.org", java.util.HexFormat.of().formatHex(colleague),
				java.util.Base64.getEncoder().encodeToString(colleague),
				java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(colleague));
		assertThat(otlp.spans()).isNotEmpty().allSatisfy((span) -> {
			for (String secret : secrets) {
				assertThat(span.name()).doesNotContain(secret);
				assertThat(span.texts()).noneMatch((text) -> text.contains(secret));
			}
		});
		assertThat(otlp.contentTypes()).containsOnly("application/x-protobuf");
	}

	@Test
	@Behaviour("38a")
	void tracingWhenNoEndpointIsConfiguredThenNoSpanIsMadeAndNothingPropagated() {
		assertThat(this.shared.getBean(Tracing.class).on()).isFalse();
		assertThat(this.shared.getBean(Tracer.class)).isSameAs(Tracer.NOOP);
		assertThat(this.shared.getBeanNamesForType(io.opentelemetry.api.OpenTelemetry.class)).isEmpty();
		Admin admin = new Admin(this.client);
		String tenant = Admin.newTenant();
		admin.settings(tenant, false);
		String document = "/invoices/untraced-" + UUID.randomUUID();
		CreatedLink link = admin.createLink(tenant,
				Map.of("document", document, "recipients", List.of("anna@example.com")));
		Browser anna = new Browser(this.client);
		anna.get(link.path());

		assertThat(this.client.get()
			.uri(link.documentSpace())
			.header(HttpHeaders.COOKIE, anna.cookieHeader())
			.header("traceparent", "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01")
			.header("tracestate", "vendor=forged")
			.header("baggage", "tenant=someone-else")
			.header("b3", "ab".repeat(16) + "-" + "cd".repeat(8) + "-1")
			.header("X-B3-Sampled", "1")
			.header("X-Datadog-Trace-Id", "12345")
			.exchange()
			.returnResult(String.class)
			.getStatus()
			.value()).isEqualTo(200);
		assertThat(TestUpstream.received(document)).singleElement().satisfies((received) -> {
			for (String name : List.of("traceparent", "tracestate", "baggage", "b3", "X-B3-Sampled",
					"X-Datadog-Trace-Id")) {
				assertThat(received.header(name)).as("a client's " + name + " with tracing off").isNull();
			}
		});
	}

	private static OtlpReceiver.Span span(String name) {
		return otlp.spans().stream().filter((span) -> span.name().equals(name)).findFirst().orElse(null);
	}

	private static OtlpReceiver.Span child(OtlpReceiver.Span parent, String name) {
		return otlp.spans()
			.stream()
			.filter((span) -> span.parentSpanId().equals(parent.spanId()) && span.name().equals(name))
			.findFirst()
			.orElse(null);
	}

	/**
	 * The database calls made under {@code parent}, directly or below a span of Spring
	 * Security's: spans with R2DBC's attributes.
	 */
	private static List<OtlpReceiver.Span> database(OtlpReceiver.Span parent) {
		List<OtlpReceiver.Span> spans = otlp.spans();
		java.util.Set<String> under = new java.util.HashSet<>(List.of(parent.spanId()));
		for (int depth = 0; depth < 5; depth++) {
			spans.stream()
				.filter((span) -> under.contains(span.parentSpanId()))
				.forEach((span) -> under.add(span.spanId()));
		}
		return spans.stream()
			.filter((span) -> under.contains(span.spanId()) && span != parent)
			.filter((span) -> span.attributes().keySet().stream().anyMatch((key) -> key.startsWith("r2dbc.")))
			.toList();
	}

	private static String tree(OtlpReceiver.Span root) {
		return otlp.spans()
			.stream()
			.filter((span) -> span.traceId().equals(root.traceId()))
			.map((span) -> span.name() + " " + span.kind() + " " + span.spanId() + "<" + span.parentSpanId() + " "
					+ span.attributes())
			.collect(Collectors.joining("\n"));
	}

	private static String names() {
		return otlp.spans().stream().map(OtlpReceiver.Span::name).distinct().collect(Collectors.joining(", "));
	}

}
