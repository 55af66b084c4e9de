/**
 * A TracerProvider that records the spans it starts, for tests of the runtime's tracing: the
 * OpenTelemetry SDK's in-memory exporter does not install beside @opentelemetry/api 1.10 (its peer
 * range stops before it), and the runtime only speaks the API.
 */
import { randomBytes } from "node:crypto";
import { trace, type Attributes, type Context, type Span, type SpanContext, type SpanOptions, type SpanStatus, type Tracer, type TracerProvider } from "@opentelemetry/api";

/** One recorded span. */
export interface RecordedSpan {
  readonly name: string;
  readonly kind: number | undefined;
  readonly context: SpanContext;
  readonly parentSpanId: string | undefined;
  /** The parent's W3C trace state, as the span received it. */
  readonly parentTraceState: string | undefined;
  readonly attributes: Attributes;
  status: SpanStatus | undefined;
  readonly exceptions: unknown[];
  ended: boolean;
}

/** Records every span its tracers start. */
export class RecordingTracerProvider implements TracerProvider {
  readonly spans: RecordedSpan[] = [];

  getTracer(): Tracer {
    const spans = this.spans;
    const startSpan = (name: string, options: SpanOptions = {}, parentContext?: Context): Span => {
      const parent = parentContext === undefined ? undefined : trace.getSpanContext(parentContext);
      // As the SDK does, a child keeps its parent's trace id and trace state.
      const context: SpanContext = { traceId: parent?.traceId ?? randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), traceFlags: 1, ...(parent?.traceState === undefined ? {} : { traceState: parent.traceState }) };
      const recorded: RecordedSpan = {
        name,
        kind: options.kind,
        context,
        parentSpanId: parent?.spanId,
        parentTraceState: parent?.traceState?.serialize(),
        attributes: { ...options.attributes },
        status: undefined,
        exceptions: [],
        ended: false,
      };
      spans.push(recorded);
      const span: Span = {
        spanContext: () => context,
        setAttribute: (key, value) => {
          if (value !== undefined) recorded.attributes[key] = value;
          return span;
        },
        setAttributes: (attributes) => {
          Object.assign(recorded.attributes, attributes);
          return span;
        },
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus: (status) => {
          recorded.status = status;
          return span;
        },
        updateName: () => span,
        end: () => {
          recorded.ended = true;
        },
        isRecording: () => true,
        recordException: (exception) => {
          recorded.exceptions.push(exception);
        },
      };
      return span;
    };
    return {
      startSpan,
      startActiveSpan: (() => {
        throw new Error("not used by the runtime");
      }) as Tracer["startActiveSpan"],
    };
  }
}
