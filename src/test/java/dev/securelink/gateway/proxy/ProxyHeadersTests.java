package dev.securelink.gateway.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.securelink.gateway.support.Behaviour;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyHeadersTests {

	@ParameterizedTest
	@ValueSource(strings = { "X-Forwarded-For", "x-forwarded-host", "X-FORWARDED-PROTO", "X-Forwarded-Port",
			"X-Forwarded-Prefix", "X_Forwarded_For", "x_forwarded-host", "Forwarded", "FORWARDED", "X-SecureLink-Link",
			"x-securelink-tenant", "X_SecureLink_Rights", "x_securelink_assertion", "X-SecureLink-Anything",
			"X-Original-URL", "X-Rewrite-URL", "X-Original-URI", "X-HTTP-Method-Override", "X-HTTP-Method",
			"X-Method-Override", "X_HTTP_Method_Override", "X-Real-IP", "True-Client-IP", "X-Client-IP",
			"CF-Connecting-IP", "Fastly-Client-IP", "X-Cluster-Client-IP", "X-Envoy-Original-Path", "Client_IP",
			"X-Host", "Host", "HOST", "Authorization", "Proxy-Authorization", "Transfer_Encoding", "Content_Length",
			"Any_Name_With_Underscores" })
	void copyRequestWhenClientSendsAnySpellingOfARefusedHeaderThenItNeverArrives(String name) {
		DefaultHttpHeaders client = new DefaultHttpHeaders();
		client.add(name, "forged");
		client.add("Accept-Language", "nl");
		DefaultHttpHeaders upstream = upstreamRequest();
		ProxyHeaders.copyRequest(client, upstream);
		assertThat(upstream.getAll(name)).as(name).doesNotContain("forged");
		assertThat(upstream.get("Accept-Language")).isEqualTo("nl");
		assertThat(upstream.getAll("X-Forwarded-Host")).as("the gateway's own stays")
			.containsExactly("docs.example.com");
	}

	@ParameterizedTest
	@ValueSource(strings = { "traceparent", "TraceParent", "tracestate", "baggage", "b3", "X-B3-TraceId", "x-b3-spanid",
			"X-B3-ParentSpanId", "X-B3-Sampled", "X-B3-Flags", "uber-trace-id", "uberctx-tenant", "jaeger-debug-id",
			"X-Datadog-Trace-Id", "x-datadog-sampling-priority", "X-Amzn-Trace-Id", "X-Cloud-Trace-Context",
			"grpc-trace-bin", "sw8", "sw8-correlation", "ot-tracer-traceid", "ot-baggage-user",
			"elastic-apm-traceparent", "newrelic", "X-Instana-T", "Correlation-Context" })
	void copyRequestWhenClientSendsTraceContextOfAnyFormatThenItNeverArrives(String name) {
		DefaultHttpHeaders client = new DefaultHttpHeaders();
		client.add(name, "00-" + "ab".repeat(16) + "-" + "cd".repeat(8) + "-01");
		DefaultHttpHeaders upstream = upstreamRequest();
		ProxyHeaders.copyRequest(client, upstream);
		assertThat(upstream.contains(name)).as(name).isFalse();
	}

	@Test
	void answerCopyWhenUpstreamSendsPublicCachingDomainCookiesOrClearSiteDataThenMadeSafe() {
		DefaultHttpHeaders upstream = new DefaultHttpHeaders();
		upstream.add("Cache-Control", "public, max-age=600, s-maxage=3600");
		upstream.add("Clear-Site-Data", "\"cookies\"");
		upstream.add("Set-Cookie", "wide=1; Path=/; Domain=example.com");
		upstream.add("Set-Cookie", "sneaky=1; domain = .example.com; Secure");
		upstream.add("Set-Cookie", "__HOST-SLS-AAAAAAAAAAAAAAAA=stolen; Path=/; Secure");
		upstream.add("Set-Cookie", "__Host-slc=stolen; Path=/; Secure");
		upstream.add("Set-Cookie", "fine=1; Path=/; Secure; HttpOnly");
		DefaultHttpHeaders response = new DefaultHttpHeaders();
		AnswerHeaders.copy(upstream, response, false);
		assertThat(response.getAll("Cache-Control")).containsExactly("private, max-age=600");
		assertThat(response.contains("Clear-Site-Data")).isFalse();
		assertThat(response.getAll("Set-Cookie")).containsExactly("fine=1; Path=/; Secure; HttpOnly");
	}

	@Test
	void privateCacheControlWhenAlreadyPrivateOrNeutralThenKept() {
		assertThat(AnswerHeaders.privateCacheControl(java.util.List.of("no-store"))).isNull();
		assertThat(AnswerHeaders.privateCacheControl(java.util.List.of("private, max-age=60"))).isNull();
		assertThat(AnswerHeaders.privateCacheControl(java.util.List.of("PUBLIC"))).isEqualTo("private");
		assertThat(AnswerHeaders.privateCacheControl(java.util.List.of("max-age=60", "S-MAXAGE=600")))
			.isEqualTo("private, max-age=60");
	}

	@Test
	void copyRequestWhenClientSendsUserAgentAndAcceptThenTheyReplaceTheDefaults() {
		DefaultHttpHeaders client = new DefaultHttpHeaders();
		client.add("User-Agent", "Firefox");
		client.add("Accept", "text/html");
		client.add("Host", "gateway.example");
		DefaultHttpHeaders upstream = upstreamRequest();
		ProxyHeaders.copyRequest(client, upstream);
		assertThat(upstream.getAll("User-Agent")).containsExactly("Firefox");
		assertThat(upstream.getAll("Accept")).containsExactly("text/html");
		assertThat(upstream.getAll("Host")).containsExactly("upstream:8080");

		DefaultHttpHeaders bare = upstreamRequest();
		ProxyHeaders.copyRequest(new DefaultHttpHeaders(), bare);
		assertThat(bare.contains("User-Agent")).as("no client's, no library's").isFalse();
	}

	@Test
	void answerCopyWhenUpstreamSendsHopByHopOrGatewayCookiesThenOnlyTheRestPassesAndFramingStays() {
		DefaultHttpHeaders upstream = new DefaultHttpHeaders();
		upstream.add("Content-Type", "application/pdf");
		upstream.add("Transfer-Encoding", "chunked");
		upstream.add("Connection", "keep-alive, X-Internal");
		upstream.add("X-Internal", "secret");
		upstream.add("Keep-Alive", "timeout=5");
		upstream.add("Proxy-Authenticate", "Basic");
		upstream.add("X-SecureLink-Link", "forged");
		upstream.add("Set-Cookie", "__Host-sls-AAAAAAAAAAAAAAAA=stolen; Path=/");
		upstream.add("Set-Cookie", "upstream=fine; Path=/");
		DefaultHttpHeaders response = new DefaultHttpHeaders();
		response.add("Transfer-Encoding", "chunked");
		AnswerHeaders.copy(upstream, response, false);
		assertThat(response.names().stream().map((name) -> name.toLowerCase(java.util.Locale.ROOT)))
			.containsExactlyInAnyOrder("content-type", "transfer-encoding", "set-cookie");
		assertThat(response.getAll("Transfer-Encoding")).as("the server's own framing").containsExactly("chunked");
		assertThat(response.getAll("Set-Cookie")).containsExactly("upstream=fine; Path=/");
	}

	/**
	 * An upstream request as Reactor Netty prepares it, with the gateway's own forwarding
	 * headers.
	 */
	private static DefaultHttpHeaders upstreamRequest() {
		DefaultHttpHeaders headers = new DefaultHttpHeaders();
		headers.add("X-Forwarded-Proto", "https");
		headers.add("X-Forwarded-Host", "docs.example.com");
		headers.add("User-Agent", "ReactorNetty/1.3.6");
		headers.add("Host", "upstream:8080");
		headers.add("Accept", "*/*");
		return headers;
	}

	@Test
	void copyRequestWhenConnectionNamesHeadersThenThoseAreDroppedToo() {
		DefaultHttpHeaders client = new DefaultHttpHeaders();
		client.add("Connection", "keep-alive, X-Token");
		client.add("X-Token", "abc");
		client.add("Proxy-Connection", "keep-alive");
		client.add("Cookie", "__Host-sls-AAAAAAAAAAAAAAAA=jws; __Host-slc=nonce; a=1");
		DefaultHttpHeaders upstream = new DefaultHttpHeaders();
		ProxyHeaders.copyRequest(client, upstream);
		assertThat(upstream.names()).containsExactly("cookie");
		assertThat(upstream.get("Cookie")).isEqualTo("a=1");
	}

	@Test
	@Behaviour("46")
	void cookiesWhenADocumentIsOnItsOwnHostThenOnlyItsPrefixedOnesPassAndItsServicesAreRenamed() {
		DefaultHttpHeaders client = new DefaultHttpHeaders();
		client.add("Cookie", "__Host-sls-AAAAAAAAAAAAAAAA=jws; __Host-doc-sid=mine; sid=tossed; bomb=1; __Host-doc-=x");
		client.add("Cookie", "__Host-doc-cart=2");
		DefaultHttpHeaders upstream = new DefaultHttpHeaders();
		ProxyHeaders.copyRequest(client, upstream, true);
		assertThat(upstream.getAll("Cookie")).containsExactly("sid=mine; cart=2");

		DefaultHttpHeaders answer = new DefaultHttpHeaders();
		answer.add("Set-Cookie", "sid=new; Path=/docs/a; HttpOnly; SameSite=Lax; Max-Age=600");
		answer.add("Set-Cookie", "plain=1");
		answer.add("Set-Cookie", "wide=1; Domain=example.net");
		DefaultHttpHeaders response = new DefaultHttpHeaders();
		AnswerHeaders.copy(answer, response, true);
		assertThat(response.getAll("Set-Cookie")).containsExactly(
				"__Host-doc-sid=new; HttpOnly; SameSite=Lax; Max-Age=600; Path=/; Secure",
				"__Host-doc-plain=1; Path=/; Secure");
	}

	@Test
	void framedNowhereWhenUpstreamAllowsFramingThenReplacedKeepingTheRest() {
		assertThat(AnswerHeaders.framedNowhere(null)).isEqualTo("frame-ancestors 'none'");
		assertThat(AnswerHeaders.framedNowhere("default-src 'self'; FRAME-ANCESTORS https://x; img-src *"))
			.isEqualTo("default-src 'self'; img-src *; frame-ancestors 'none'");
	}

}
