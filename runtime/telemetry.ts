/**
 * Tracing and metrics around publishing and handling, in one place: a producer span per publish
 * and a consumer span per handled event (OpenTelemetry messaging conventions, through
 * `@opentelemetry/api`, so they are recorded only when the service registers an SDK; attributes
 * are computed only for spans that record), the trace
 * context they carry in `traceparent`, and the Prometheus metrics of `metrics.ts`.
 */
import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from "@opentelemetry/api";
import type { EventContract, JsonObject } from "./contract.js";
import { ValidationError } from "./errors.js";
import type { ConsumeOutcome, RuntimeMetrics } from "./metrics.js";
import type { PublishAck } from "./publish-result.js";
import { incomingContext, outgoingTrace, type TraceHeaders } from "./trace.js";

/** Records what the runtime does with events, as spans and metrics. */
export class Telemetry {
  /** The metrics, when the bus records them. */
  readonly metrics: RuntimeMetrics | undefined;
  readonly #tracer: Tracer;

  constructor(metrics: RuntimeMetrics | undefined, tracer: Tracer = trace.getTracer("evc")) {
    this.metrics = metrics;
    this.#tracer = tracer;
  }

  /** Run a publish inside a producer span; `send` gets the trace headers the event carries. */
  async publish(contract: EventContract, json: JsonObject, send: (trace: TraceHeaders) => Promise<PublishAck>): Promise<PublishAck> {
    const destination = contract.subject?.address ?? contract.type;
    const span = this.#tracer.startSpan(`publish ${destination}`, { kind: SpanKind.PRODUCER });
    if (span.isRecording()) span.setAttributes(eventAttributes(contract, json, "publish", destination));
    const started = performance.now();
    try {
      const ack = await send(outgoingTrace(trace.setSpan(context.active(), span)));
      if (span.isRecording()) span.setAttributes({ "messaging.destination.name": ack.subject, "evc.stream.sequence": ack.seq, "evc.duplicate": ack.duplicate });
      this.metrics?.published(contract.type, contract.version, ack.duplicate ? "duplicate" : "stored", (performance.now() - started) / 1000);
      return ack;
    } catch (error) {
      fail(span, error);
      this.metrics?.published(contract.type, contract.version, error instanceof ValidationError ? "invalid" : "failed", (performance.now() - started) / 1000);
      throw error;
    } finally {
      span.end();
    }
  }

  /**
   * Run a handler inside a consumer span whose parent is the producer's (from `traceparent`); never
   * throws: returns how long it ran and what it threw, if anything.
   */
  async handle(contract: EventContract, json: JsonObject, subscription: string, traceparent: string | undefined, run: () => unknown): Promise<HandlerRun> {
    const parent = incomingContext(traceparent);
    const destination = contract.subject?.address ?? contract.type;
    const span = this.#tracer.startSpan(`process ${destination}`, { kind: SpanKind.CONSUMER }, parent);
    if (span.isRecording()) span.setAttributes({ ...eventAttributes(contract, json, "process", destination), "messaging.consumer.group.name": subscription });
    this.metrics?.inFlight(subscription, 1);
    const started = performance.now();
    try {
      await context.with(trace.setSpan(parent, span), run);
      return { seconds: (performance.now() - started) / 1000, error: undefined };
    } catch (error) {
      return { seconds: (performance.now() - started) / 1000, error: fail(span, error) };
    } finally {
      this.metrics?.inFlight(subscription, -1);
      span.end();
    }
  }

  /** Count what became of a received message. */
  consumed(type: string, subscription: string, outcome: ConsumeOutcome, seconds: number | undefined): void {
    this.metrics?.consumed(type, subscription, outcome, seconds);
  }
}

/** How a handler run went: its duration in seconds, and the error it threw, if any. */
export interface HandlerRun {
  readonly seconds: number;
  readonly error: Error | undefined;
}

function eventAttributes(contract: EventContract, json: JsonObject, operation: "publish" | "process", destination: string) {
  const id = json["id"];
  const aggregateId = json["aggregateId"];
  return {
    "messaging.system": "nats",
    "messaging.operation.type": operation,
    "messaging.destination.template": destination,
    "cloudevents.event_type": contract.type,
    "evc.event.version": contract.version,
    ...(typeof id === "string" ? { "messaging.message.id": id, "cloudevents.event_id": id } : {}),
    ...(typeof aggregateId === "string" ? { "evc.aggregate.id": aggregateId } : {}),
  };
}

function fail(span: Span, error: unknown): Error {
  const failure = error instanceof Error ? error : new Error(String(error));
  span.recordException(failure);
  span.setStatus({ code: SpanStatusCode.ERROR, message: failure.message });
  return failure;
}
