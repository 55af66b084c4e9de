/**
 * W3C trace context for events, through `@opentelemetry/api`: the active span's context goes out
 * in `traceparent`; without one, each event starts a trace of its own, so that producer and
 * consumers of one event always share a trace id. Handlers run inside the incoming context.
 */
import { randomFillSync } from "node:crypto";
import { context, trace, TraceFlags, type Context, type SpanContext } from "@opentelemetry/api";

/** W3C trace context headers of one event. */
export interface TraceHeaders {
  readonly traceparent: string;
  readonly tracestate: string | undefined;
}

/** The trace headers of the span active in a context (the active one by default); undefined when there is none. */
export function activeTrace(within: Context = context.active()): TraceHeaders | undefined {
  const active = trace.getSpanContext(within);
  if (active === undefined || !trace.isSpanContextValid(active)) return undefined;
  return { traceparent: format(active), tracestate: active.traceState?.serialize() };
}

/** The trace headers to send with an event published in a context (the active one by default). */
export function outgoingTrace(within: Context = context.active()): TraceHeaders {
  const active = activeTrace(within);
  if (active !== undefined) return active;
  const bytes = randomIds();
  return { traceparent: `00-${bytes.toString("hex", 0, 16)}-${bytes.toString("hex", 16, 24)}-01`, tracestate: undefined };
}

const idBytes = 24;
const pool = Buffer.alloc(idBytes * 512);
let poolOffset = pool.length;

/** 24 random bytes (a trace id and a span id) from a pool refilled 512 ids at a time: one `getrandom` call per pool, not per event. */
function randomIds(): Buffer {
  if (poolOffset === pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const ids = pool.subarray(poolOffset, poolOffset + idBytes);
  poolOffset += idBytes;
  return ids;
}

/** The context a handler of a received event runs in: the sender's span as remote parent, when the header is valid. */
export function incomingContext(traceparent: string | undefined): Context {
  const match = traceparent === undefined ? null : /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(traceparent);
  if (match === null) return context.active();
  const remote: SpanContext = { traceId: match[1] as string, spanId: match[2] as string, traceFlags: parseInt(match[3] as string, 16) & TraceFlags.SAMPLED, isRemote: true };
  return trace.isSpanContextValid(remote) ? trace.setSpanContext(context.active(), remote) : context.active();
}

function format(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}
