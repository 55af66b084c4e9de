/**
 * `@evc/runtime/metrics`: the runtime's metrics on Prometheus, through `prom-client` (an optional
 * peer dependency). Labelled children are cached, so recording costs a map lookup, not a label hash.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { RuntimeMetrics } from "./metrics.js";

export type { ConsumeOutcome, PublishOutcome, RuntimeMetrics } from "./metrics.js";

/** Options of `createMetrics`. */
export interface MetricsOptions {
  /** The prom-client registry to register in; a new one by default. */
  readonly registry: Registry;
  /** Prefix of every metric name. */
  readonly prefix: string;
}

/** The runtime's metrics in a prom-client registry, which serves them (`await registry.metrics()`). */
export interface PrometheusMetrics extends RuntimeMetrics {
  readonly registry: Registry;
}

const latencyBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Register the runtime's metrics in a prom-client registry (a new one by default). */
export function createMetrics(options: Partial<MetricsOptions> = {}): PrometheusMetrics {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? "evc_";
  const registers = [registry];
  const published = new Counter({ name: `${prefix}events_published_total`, help: "Events published, by type, version and outcome.", labelNames: ["type", "version", "outcome"], registers });
  const publishSeconds = new Histogram({ name: `${prefix}publish_duration_seconds`, help: "Time from publish to the stream's ack.", labelNames: ["type"], buckets: latencyBuckets, registers });
  const consumed = new Counter({ name: `${prefix}events_consumed_total`, help: "Messages received by subscriptions, by type and outcome.", labelNames: ["type", "subscription", "outcome"], registers });
  const handlerSeconds = new Histogram({ name: `${prefix}handler_duration_seconds`, help: "Time handlers took, failures included.", labelNames: ["type", "subscription"], buckets: latencyBuckets, registers });
  const inFlight = new Gauge({ name: `${prefix}handlers_in_flight`, help: "Handlers running now.", labelNames: ["subscription"], registers });
  const circuit = new Gauge({ name: `${prefix}circuit_open`, help: "1 while a subscription's circuit breaker is open.", labelNames: ["subscription"], registers });
  const backlog = new Gauge({
    name: `${prefix}consumer_pending_messages`,
    help: "Messages of a stream a subscription's consumer has not been delivered yet (its backlog), as of the last delivery.",
    labelNames: ["subscription", "stream"],
    registers,
  });

  const publishedChildren = cache((type: string, version: string, outcome: string) => published.labels(type, version, outcome));
  const publishSecondsChildren = cache((type: string) => publishSeconds.labels(type));
  const consumedChildren = cache((type: string, subscription: string, outcome: string) => consumed.labels(type, subscription, outcome));
  const handlerSecondsChildren = cache((type: string, subscription: string) => handlerSeconds.labels(type, subscription));
  const inFlightChildren = cache((subscription: string) => inFlight.labels(subscription));
  const backlogChildren = cache((subscription: string, stream: string) => backlog.labels(subscription, stream));

  return {
    registry,
    published(type, version, outcome, seconds) {
      publishedChildren(type, String(version), outcome).inc();
      if (outcome !== "invalid") publishSecondsChildren(type).observe(seconds);
    },
    consumed(type, subscription, outcome, seconds) {
      consumedChildren(type, subscription, outcome).inc();
      if (seconds !== undefined) handlerSecondsChildren(type, subscription).observe(seconds);
    },
    inFlight(subscription, delta) {
      inFlightChildren(subscription).inc(delta);
    },
    circuitOpen(subscription, open) {
      circuit.set({ subscription }, open ? 1 : 0);
    },
    backlog(subscription, stream, pending) {
      backlogChildren(subscription, stream).set(pending);
    },
  };
}

/** Memoize a function of string arguments. */
function cache<A extends string[], R>(make: (...args: A) => R): (...args: A) => R {
  const made = new Map<string, R>();
  return (...args) => {
    const key = args.join("\u0000");
    let value = made.get(key);
    if (value === undefined) {
      value = make(...args);
      made.set(key, value);
    }
    return value;
  };
}
