package dev.securelink.gateway.proxy;

import java.util.concurrent.TimeUnit;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Filtering a browser's request headers for the upstream, and the CSP merge of a
 * response.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeaderBenchmarks {

	DefaultHttpHeaders browser;

	@Setup
	public void setUp() {
		this.browser = new DefaultHttpHeaders();
		this.browser.add("Host", "docs.example.com");
		this.browser.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/156.0 Safari/537.36");
		this.browser.add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
		this.browser.add("Accept-Language", "nl-BE,nl;q=0.9,en;q=0.8");
		this.browser.add("Accept-Encoding", "gzip, deflate, br");
		this.browser.add("Connection", "keep-alive");
		this.browser.add("Cookie", "__Host-sls-AAAAAAAAAAAAAAAA=eyJraWQiOiJ0MSJ9.e30.sig; theme=dark");
		this.browser.add("Sec-Fetch-Site", "same-origin");
		this.browser.add("Sec-Fetch-Mode", "navigate");
		this.browser.add("Upgrade-Insecure-Requests", "1");
	}

	@Benchmark
	public Object copyRequest() {
		DefaultHttpHeaders upstream = new DefaultHttpHeaders();
		ProxyHeaders.copyRequest(this.browser, upstream);
		return upstream;
	}

	@Benchmark
	public String framedNowhere() {
		return AnswerHeaders.framedNowhere("default-src 'self'; img-src 'self' data:; frame-ancestors 'self'");
	}

}
