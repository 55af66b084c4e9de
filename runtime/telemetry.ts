/**
 * Tracing and metrics around publishing and handling, in one place: a producer span per publish
 * and a consumer span per handled event, after the OpenTelemetry messaging semantic conventions
 * (`schemaUrl` below), through `@opentelemetry/api`, so they are recorded only when the service
 * registers an SDK; the trace context they carry (`trace.ts`); and the Prometheus metrics of
 * `metrics.ts`. With no tracer provider and no propagator registered, and no metrics, a publish or
 * a handler run costs one check: no span, no context, no clock.
 */
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer, type TracerProvider } from "@opentelemetry/api";
import type { EventContract, JsonObject } from "./contract.js";
import type { HeaderLookup } from "./headers.js";
import { ValidationError } from "./errors.js";
import type { ConsumeOutcome, RuntimeMetrics } from "./metrics.js";
import type { PublishAck } from "./publish-result.js";
import { extractTrace, outgoingTrace, tracingOff, type TraceHeaders } from "./trace.js";

/** The version of the semantic conventions the spans follow. */
export const semanticConventionsSchemaUrl = "https://opentelemetry.io/schemas/1.44.0";

/** The instrumentation scope the runtime's spans are recorded under. */
export const tracerName = "@evc/runtime";

/** Records what the runtime does with events, as spans and metrics. */
export class Telemetry {
  /** The metrics, when the bus records them. */
  readonly metrics: RuntimeMetrics | undefined;
  #provider: TracerProvider | undefined;
  #tracer: Tracer | undefined;

  constructor(metrics: RuntimeMetrics | undefined) {
    this.metrics = metrics;
  }

  /** The runtime's tracer from the provider registered now (one per provider, so that a provider registered after connect is used). */
  #currentTracer(): Tracer {
    const provider = trace.getTracerProvider();
    if (provider !== this.#provider || this.#tracer === undefined) {
      this.#provider = provider;
      this.#tracer = provider.getTracer(tracerName, undefined, { schemaUrl: semanticConventionsSchemaUrl });
    }
    return this.#tracer;
  }

  /** Run a publish inside a producer span; `send` gets the trace headers the event carries (undefined when tracing is off). */
  publish(contract: EventContract, json: JsonObject, send: (trace: TraceHeaders | undefined) => Promise<PublishAck>): Promise<PublishAck> {
    // With nothing to record, no async frame of its own; a throw (an invalid event) still rejects.
    try {
      return this.metrics === undefined && tracingOff() ? send(undefined) : this.#recordedPublish(contract, json, send);
    } catch (error) {
      return Promise.reject(asError(error));
    }
  }

  async #recordedPublish(contract: EventContract, json: JsonObject, send: (trace: TraceHeaders | undefined) => Promise<PublishAck>): Promise<PublishAck> {
    if (tracingOff()) return this.#timedPublish(contract, undefined, () => send(undefined));
    const destination = destinationOf(contract);
    const parent = context.active();
    const span = this.#currentTracer().startSpan(`send ${destination}`, { kind: SpanKind.PRODUCER }, parent);
    if (span.isRecording()) span.setAttributes(eventAttributes(contract, json, "send", destination));
    return this.#timedPublish(contract, span, () => send(outgoingTrace(trace.setSpan(parent, span))));
  }

  async #timedPublish(contract: EventContract, span: Span | undefined, send: () => Promise<PublishAck>): Promise<PublishAck> {
    const started = performance.now();
    try {
      const ack = await send();
      if (span?.isRecording()) span.setAttributes({ "messaging.destination.name": ack.subject, "evc.stream.sequence": ack.seq, "evc.duplicate": ack.duplicate });
      this.metrics?.published(contract.type, contract.version, ack.duplicate ? "duplicate" : "stored", (performance.now() - started) / 1000);
      return ack;
    } catch (error) {
      if (span !== undefined) fail(span, error);
      this.metrics?.published(contract.type, contract.version, error instanceof ValidationError ? "invalid" : "failed", (performance.now() - started) / 1000);
      throw error;
    } finally {
      span?.end();
    }
  }

  /**
   * Run a handler inside a consumer span whose parent is the producer's (read from the message
   * headers by the propagator); never throws: returns how long it ran (when anything records it)
   * and what it threw, if anything.
   */
  handle(contract: EventContract, json: JsonObject, subscription: string, subject: string, headers: HeaderLookup | undefined, run: () => unknown): Promise<HandlerRun> {
    if (tracingOff()) return this.metrics === undefined ? untimed(run) : this.#timedHandle(subscription, undefined, run);
    const parent = extractTrace(headers);
    const destination = destinationOf(contract);
    const span = this.#currentTracer().startSpan(`process ${destination}`, { kind: SpanKind.CONSUMER }, parent);
    if (span.isRecording()) {
      span.setAttributes({ ...eventAttributes(contract, json, "process", destination), "messaging.destination.name": subject, "messaging.consumer.group.name": subscription });
    }
    return this.#timedHandle(subscription, span, () => context.with(trace.setSpan(parent, span), run));
  }

  async #timedHandle(subscription: string, span: Span | undefined, run: () => unknown): Promise<HandlerRun> {
    this.metrics?.inFlight(subscription, 1);
    const started = performance.now();
    try {
      await run();
      return { seconds: (performance.now() - started) / 1000, error: undefined };
    } catch (error) {
      return { seconds: (performance.now() - started) / 1000, error: span === undefined ? asError(error) : fail(span, error) };
    } finally {
      this.metrics?.inFlight(subscription, -1);
      span?.end();
    }
  }

  /** Count what became of a received message. */
  consumed(type: string, subscription: string, outcome: ConsumeOutcome, seconds: number | undefined): void {
    this.metrics?.consumed(type, subscription, outcome, seconds);
  }

  /** Record a subscription's backlog on a stream, as a delivery just said. */
  backlog(subscription: string, stream: string, pending: number): void {
    this.metrics?.backlog?.(subscription, stream, pending);
  }
}

/** How a handler run went: its duration in seconds (undefined when nothing records it), and the error it threw, if any. */
export interface HandlerRun {
  readonly seconds: number | undefined;
  readonly error: Error | undefined;
}

async function untimed(run: () => unknown): Promise<HandlerRun> {
  try {
    await run();
    return { seconds: undefined, error: undefined };
  } catch (error) {
    return { seconds: undefined, error: asError(error) };
  }
}

/** The low-cardinality destination of a contract's spans: its channel address (`messaging.destination.template`), else its type. */
function destinationOf(contract: EventContract): string {
  return contract.subject?.address ?? contract.type;
}

function eventAttributes(contract: EventContract, json: JsonObject, operation: "send" | "process", destination: string): Attributes {
  const id = json["id"];
  const aggregateId = json["aggregateId"];
  return {
    "messaging.system": "nats",
    "messaging.operation.type": operation,
    "messaging.operation.name": operation,
    "messaging.destination.template": destination,
    "cloudevents.event_type": contract.type,
    "evc.event.version": contract.version,
    ...(typeof id === "string" ? { "messaging.message.id": id, "cloudevents.event_id": id } : {}),
    ...(typeof aggregateId === "string" ? { "evc.aggregate.id": aggregateId } : {}),
  };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Record a failure on a span: the exception, the error status, and `error.type` (the error's class name). */
function fail(span: Span, error: unknown): Error {
  const failure = asError(error);
  span.recordException(failure);
  span.setAttribute("error.type", failure.name || "_OTHER");
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  return failure;
}
