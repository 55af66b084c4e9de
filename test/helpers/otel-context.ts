/**
 * What an OpenTelemetry SDK registers besides a tracer provider, for tests of the runtime's trace
 * propagation: a context manager on `AsyncLocalStorage` (so `context.with` reaches across awaits),
 * and a propagator of a service's own that carries W3C `traceparent` and `baggage` (the SDK's
 * packages do not install beside @opentelemetry/api 1.10, see recording-tracer.ts).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Context, type ContextManager, type TextMapPropagator } from "@opentelemetry/api";

/** `context.active()` and `context.with()` on `AsyncLocalStorage`. */
export class AsyncContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return this.#storage.run(context, () => fn.call(thisArg, ...args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== "function") return target;
    const run = (...args: unknown[]) => this.with(context, () => (target as (...a: unknown[]) => unknown)(...args));
    return run as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}

/** A service's own propagator: `traceparent` as W3C writes it, and every baggage entry in `baggage` (`key=value`, percent-encoded). */
export const traceAndBaggagePropagator: TextMapPropagator = {
  inject(context, carrier, setter) {
    const span = trace.getSpanContext(context);
    if (span !== undefined && isSpanContextValid(span)) setter.set(carrier, "traceparent", `00-${span.traceId}-${span.spanId}-0${span.traceFlags & 1}`);
    const entries = propagation.getBaggage(context)?.getAllEntries() ?? [];
    if (entries.length > 0) setter.set(carrier, "baggage", entries.map(([key, entry]) => `${encodeURIComponent(key)}=${encodeURIComponent(entry.value)}`).join(","));
  },
  extract(context, carrier, getter) {
    let extracted = context;
    const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$/.exec(String(getter.get(carrier, "traceparent") ?? ""));
    if (match !== null) extracted = trace.setSpanContext(extracted, { traceId: match[1] as string, spanId: match[2] as string, traceFlags: Number(match[3]), isRemote: true });
    const baggage = String(getter.get(carrier, "baggage") ?? "");
    if (baggage !== "") {
      const entries = Object.fromEntries(baggage.split(",").map((pair) => pair.split("=").map(decodeURIComponent)).map(([key, value]) => [key as string, { value: value ?? "" }]));
      extracted = propagation.setBaggage(extracted, propagation.createBaggage(entries));
    }
    return extracted;
  },
  fields: () => ["traceparent", "baggage"],
};
