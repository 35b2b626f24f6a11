package dev.securelink.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;

/**
 * A real OTLP/HTTP trace receiver on a free loopback port: it decodes each protobuf
 * export ({@code POST /v1/traces}) with the protocol's own classes and keeps every span.
 */
public final class OtlpReceiver implements AutoCloseable {

	/**
	 * A span as it arrived; ids in lower-case hex ({@code parentSpanId} empty for a
	 * root).
	 *
	 * @param texts every string the span carries besides its name: attribute values,
	 * event names and attributes, its status message and its resource's attributes
	 */
	public record Span(String traceId, String spanId, String parentSpanId, String name, String kind,
			Map<String, String> attributes, List<String> texts) {

		public String attribute(String key) {
			return this.attributes.get(key);
		}

	}

	private final HttpServer server;

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	private final List<Span> spans = new CopyOnWriteArrayList<>();

	private final List<String> contentTypes = new CopyOnWriteArrayList<>();

	public OtlpReceiver() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.setExecutor(this.executor);
		this.server.createContext("/v1/traces", (exchange) -> {
			try (InputStream in = exchange.getRequestBody()) {
				this.contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
				ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
				export.getResourceSpansList().forEach(this::keep);
				byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
				exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
				exchange.sendResponseHeaders(200, (answer.length == 0) ? -1 : answer.length);
				if (answer.length > 0) {
					exchange.getResponseBody().write(answer);
				}
			}
			finally {
				exchange.close();
			}
		});
		this.server.start();
	}

	private void keep(ResourceSpans resourceSpans) {
		Resource resource = resourceSpans.getResource();
		List<String> resourceTexts = resource.getAttributesList().stream().map((kv) -> text(kv.getValue())).toList();
		for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
			for (io.opentelemetry.proto.trace.v1.Span span : scope.getSpansList()) {
				Map<String, String> attributes = new LinkedHashMap<>();
				for (KeyValue attribute : span.getAttributesList()) {
					attributes.put(attribute.getKey(), text(attribute.getValue()));
				}
				List<String> texts = new ArrayList<>(attributes.values());
				span.getEventsList().forEach((event) -> {
					texts.add(event.getName());
					event.getAttributesList().forEach((kv) -> texts.add(text(kv.getValue())));
				});
				texts.add(span.getStatus().getMessage());
				texts.addAll(resourceTexts);
				this.spans.add(new Span(hex(span.getTraceId().toByteArray()), hex(span.getSpanId().toByteArray()),
						hex(span.getParentSpanId().toByteArray()), span.getName(), span.getKind().name(), attributes,
						texts));
			}
		}
	}

	private static String text(AnyValue value) {
		return switch (value.getValueCase()) {
			case STRING_VALUE -> value.getStringValue();
			case BOOL_VALUE -> Boolean.toString(value.getBoolValue());
			case INT_VALUE -> Long.toString(value.getIntValue());
			case DOUBLE_VALUE -> Double.toString(value.getDoubleValue());
			default -> value.toString();
		};
	}

	private static String hex(byte[] bytes) {
		return HexFormat.of().formatHex(bytes);
	}

	/** The endpoint to give the gateway's exporter. */
	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/v1/traces";
	}

	public List<Span> spans() {
		return List.copyOf(this.spans);
	}

	/** The content types the exports came with. */
	public List<String> contentTypes() {
		return List.copyOf(this.contentTypes);
	}

	@Override
	public void close() {
		this.server.stop(0);
		this.executor.shutdownNow();
	}

}
