/**
 * Trace context of events, through the propagation API of `@opentelemetry/api`: the registered
 * propagator (the SDK's W3C trace context and baggage, or a service's own) writes into and reads
 * from the message headers, so `tracestate`, baggage and custom fields survive the hop. With a
 * tracer provider but no propagator registered, a built-in W3C trace-context propagator
 * (`traceparent`, `tracestate`) carries the context. With neither registered, tracing is off:
 * events carry no trace context and the runtime computes none (`tracingOff`).
 */
import {
  context,
  createTraceState,
  isSpanContextValid,
  propagation,
  ProxyTracerProvider,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
} from "@opentelemetry/api";
import type { HeaderLookup } from "./headers.js";

/** Header names and values a propagator wrote for one event. */
export type TraceHeaders = Readonly<Record<string, string>>;


const noopTracerProvider = new ProxyTracerProvider().getDelegate();

/** True when no tracer provider is registered: spans would not record. */
function tracerOff(): boolean {
  const provider = trace.getTracerProvider();
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === noopTracerProvider;
}

/** True when no propagator is registered with the propagation API. */
function propagatorOff(): boolean {
  return propagation.fields().length === 0;
}

/** True when neither a tracer provider nor a propagator is registered: the runtime then does no tracing at all. */
export function tracingOff(): boolean {
  return tracerOff() && propagatorOff();
}

const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** W3C trace context (`traceparent`, `tracestate`), for services that register a tracer provider but no propagator. */
const w3cTraceContext: TextMapPropagator = {
  inject(within, carrier, setter) {
    const span = trace.getSpanContext(within);
    if (span === undefined || !isSpanContextValid(span)) return;
    setter.set(carrier, "traceparent", `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, "0")}`);
    const state = span.traceState?.serialize();
    if (state !== undefined && state !== "") setter.set(carrier, "tracestate", state);
  },
  extract(within, carrier, getter) {
    const match = traceparentPattern.exec(first(getter.get(carrier, "traceparent")) ?? "");
    if (match === null) return within;
    const state = first(getter.get(carrier, "tracestate"));
    const remote: SpanContext = {
      traceId: match[1] as string,
      spanId: match[2] as string,
      traceFlags: parseInt(match[3] as string, 16) & TraceFlags.SAMPLED,
      isRemote: true,
      ...(state === undefined || state === "" ? {} : { traceState: createTraceState(state) }),
    };
    return isSpanContextValid(remote) ? trace.setSpanContext(within, remote) : within;
  },
  fields: () => ["traceparent", "tracestate"],
};

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The registered propagator, or the built-in W3C one when none is. */
function activePropagator(): TextMapPropagator {
  return propagatorOff() ? w3cTraceContext : propagation;
}

const recordSetter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const headerGetter: TextMapGetter<HeaderLookup> = {
  keys: (carrier) => carrier.keys(),
  get: (carrier, key) => {
    const value = carrier.get(key);
    return value === "" ? undefined : value;
  },
};

/** The headers that carry a context (the active one by default) to the consumers of an event; empty when there is nothing to carry. */
export function outgoingTrace(within: Context = context.active()): TraceHeaders {
  const headers: Record<string, string> = {};
  activePropagator().inject(within, headers, recordSetter);
  return headers;
}

/** The context a handler of a received message runs in: the sender's, as the propagator reads it from the headers (or the active one when there is none). */
export function extractTrace(headers: HeaderLookup | undefined): Context {
  const active = context.active();
  return headers === undefined ? active : activePropagator().extract(active, headers, headerGetter);
}

/** The W3C trace headers of the span active in a context (the active one by default); undefined when there is none (the outbox keeps them beside each event). */
export function activeTrace(within: Context = context.active()): { traceparent: string; tracestate: string | undefined } | undefined {
  const headers: Record<string, string> = {};
  w3cTraceContext.inject(within, headers, recordSetter);
  const traceparent = headers["traceparent"];
  return traceparent === undefined ? undefined : { traceparent, tracestate: headers["tracestate"] };
}

/** The context with the span of W3C trace headers as remote parent (the outbox's relay publishes inside it); the active context when they are absent or invalid. */
export function incomingContext(traceparent: string | undefined, tracestate?: string): Context {
  const headers: Record<string, string> = {};
  if (traceparent !== undefined) headers["traceparent"] = traceparent;
  if (tracestate !== undefined) headers["tracestate"] = tracestate;
  return w3cTraceContext.extract(context.active(), headers, { keys: (carrier) => Object.keys(carrier), get: (carrier, key) => carrier[key] });
}
