/**
 * OpenTelemetry tracing, off unless an OTLP endpoint is configured: which of Boot's
 * tracing auto-configurations run, the spans the gateway makes itself (the document
 * route, the upstream hop, webhook deliveries, database calls) and the names of WebFlux's
 * request spans, which never hold a code.
 */
@NullMarked
package dev.securelink.gateway.tracing;

import org.jspecify.annotations.NullMarked;
