package dev.securelink.gateway.tracing;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.netty.handler.codec.http.HttpHeaders;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The spans the gateway makes itself, where no framework makes them: a document request
 * (served by a Reactor Netty route, outside WebFlux), its upstream hop and each webhook
 * delivery. They go to an observation registry of their own that only traces, so that
 * tracing adds no metrics; while tracing is off ({@link TracingSwitch}) that registry is
 * the no-op one and each method here hands the work back untouched. A span's name is a
 * route template or a fixed word, and its attributes are method, route and status: never
 * a path, a query, a header or a body.
 */
@Component
public class Tracing {

	private final ObservationRegistry registry;

	@Autowired
	Tracing(ObjectProvider<DefaultTracingObservationHandler> spans,
			ObjectProvider<PropagatingReceiverTracingObservationHandler<?>> receivers,
			ObjectProvider<PropagatingSenderTracingObservationHandler<?>> senders) {
		DefaultTracingObservationHandler local = spans.getIfAvailable();
		PropagatingReceiverTracingObservationHandler<?> receiver = receivers.getIfAvailable();
		PropagatingSenderTracingObservationHandler<?> sender = senders.getIfAvailable();
		if (local == null || receiver == null || sender == null) {
			this.registry = ObservationRegistry.NOOP;
			return;
		}
		this.registry = ObservationRegistry.create();
		this.registry.observationConfig()
			.observationHandler(
					new ObservationHandler.FirstMatchingCompositeObservationHandler(sender, receiver, local));
	}

	private Tracing(ObservationRegistry registry) {
		this.registry = registry;
	}

	/** Tracing that is off: it makes no span. */
	public static Tracing off() {
		return new Tracing(ObservationRegistry.NOOP);
	}

	/** Whether spans are made at all. */
	public boolean on() {
		return !this.registry.isNoop();
	}

	/** The registry of the gateway's own spans, for the database's. */
	ObservationRegistry registry() {
		return this.registry;
	}

	/**
	 * A request answered outside WebFlux, as a server span named {@code method route} and
	 * continuing the trace its {@code traceparent} names: {@code work}, with the span in
	 * its Reactor context for the database calls and the upstream hop, and {@code status}
	 * read once it ends.
	 * @param route the route template, such as {@code /d/{linkId}/**}
	 * @param traced called with the span's trace id (or null) once the work ended
	 */
	public Mono<Void> request(String method, String route, HttpHeaders headers, Supplier<Mono<Void>> work,
			IntSupplier status, Consumer<@Nullable String> traced) {
		if (!on()) {
			return work.get().doFinally((signal) -> traced.accept(null));
		}
		return Mono.defer(() -> {
			ReceiverContext<HttpHeaders> context = new ReceiverContext<>(HttpHeaders::get, Kind.SERVER);
			context.setCarrier(headers);
			Observation span = Observation.createNotStarted("http.server.requests", () -> context, this.registry)
				.contextualName(method + " " + route)
				.lowCardinalityKeyValue("http.request.method", method)
				.lowCardinalityKeyValue("http.route", route)
				.start();
			return work.get().doOnError(span::error).doFinally((signal) -> {
				span.lowCardinalityKeyValue("http.response.status_code", Integer.toString(status.getAsInt()));
				span.stop();
				traced.accept(traceId(span.getContext()));
			}).contextWrite((reactor) -> reactor.put(ObservationThreadLocalAccessor.KEY, span));
		});
	}

	/**
	 * An outgoing request as a client span named {@code name}, a child of the span in the
	 * Reactor context if any: {@code call} gets the span (to add the answer's status) and
	 * the headers to send along, its {@code traceparent} (none while tracing is off).
	 */
	public <T> Mono<T> outgoing(String name, BiFunction<Observation, Map<String, String>, Mono<T>> call) {
		if (!on()) {
			return call.apply(Observation.NOOP, Map.of());
		}
		return Mono.deferContextual((reactor) -> {
			Map<String, String> propagation = new HashMap<>(4);
			SenderContext<Map<String, String>> context = new SenderContext<>((carrier, key, value) -> {
				if (carrier != null) {
					carrier.put(key, value);
				}
			}, Kind.CLIENT);
			context.setCarrier(propagation);
			Observation span = Observation.createNotStarted(name, () -> context, this.registry)
				.contextualName(name)
				.parentObservation(reactor.getOrDefault(ObservationThreadLocalAccessor.KEY, null))
				.start();
			return call.apply(span, propagation).doOnError(span::error).doFinally((signal) -> span.stop());
		});
	}

	/** Adds the answer's status to a span {@link #outgoing} gave. */
	public static void status(Observation span, int status) {
		span.lowCardinalityKeyValue(KeyValue.of("http.response.status_code", Integer.toString(status)));
	}

	/** The trace id of the span an observation made, when it is sampled; else null. */
	public static @Nullable String traceId(Observation.Context context) {
		TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
		Span span = (tracing != null) ? tracing.getSpan() : null;
		TraceContext trace = (span != null) ? span.context() : null;
		return (trace != null && Boolean.TRUE.equals(trace.sampled())) ? trace.traceId() : null;
	}

}
