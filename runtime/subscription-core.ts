/**
 * What the subscriptions of both buses share: their routes, notifier, circuit breaker and end, set up
 * from the same options, and the way a delivery is read and its handler run (`receiveEvent`, then
 * the handler with a `DeliveryContext`, under its deadline, inside `Telemetry.handle`). Each bus
 * then settles deliveries its own way.
 */
import { CircuitBreaker } from "./circuit-breaker.js";
import type { EventContract, EventInstance, JsonObject } from "./contract.js";
import { DeliveryContext, type CreateCaused, type DeliveredMessage } from "./delivery-context.js";
import { HandlerDeadline } from "./handler-deadline.js";
import type { HeaderLookup } from "./headers.js";
import { circuitReporter, Notifier, type SubscriptionNotification } from "./notifications.js";
import type { Registry } from "./registry.js";
import { receiveEvent, subscriptionRoutes, type ReceivedEvent, type Targets } from "./routing.js";
import { deferralLimit, handlerTimeoutOf, type EventHandler, type SubscribeOptions } from "./subscribe-options.js";
import type { HandlerRun, Telemetry } from "./telemetry.js";
import type { StreamSpec } from "./topology.js";

/** What becomes of a delivery that comes while the circuit is open: handled offline (to be acked), or deferred for so long. */
export type OpenCircuitOutcome = "handled" | { readonly deferMs: number };

/** What a subscription needs of its bus to read deliveries and run its handler. */
export interface SubscriptionCoreHost {
  readonly registry: Registry;
  readonly telemetry: Telemetry;
  /** The bus's `create`, for events a handler builds from the one it handles. */
  readonly create: CreateCaused;
}

/** The parts of a subscription that do not depend on its bus. */
export class SubscriptionCore {
  /** The event types or patterns subscribed to, joined by ", ". */
  readonly pattern: string;
  /** The streams the subscribed types live on, with the contracts of each. */
  readonly streams: Map<StreamSpec, EventContract[]>;
  readonly notifier = new Notifier<SubscriptionNotification>();
  readonly breaker: CircuitBreaker | undefined;
  /** Resolves once the subscription has ended for good (`end`). */
  readonly closed: Promise<void>;
  #resolveClosed: () => void = () => undefined;
  readonly #host: SubscriptionCoreHost;
  readonly #handler: EventHandler;
  readonly #options: SubscribeOptions;
  /** The contract each subscribed type is read as. */
  readonly #targets: Targets;

  /** Route `patterns` (checking the durable name); `now` is the circuit breaker's clock. */
  constructor(host: SubscriptionCoreHost, patterns: readonly string[], handler: EventHandler, options: SubscribeOptions, now?: () => number) {
    this.#host = host;
    this.#handler = handler;
    this.pattern = patterns.join(", ");
    this.#options = options;
    ({ targets: this.#targets, streams: this.streams } = subscriptionRoutes(host.registry, patterns, options));
    this.breaker =
      options.circuitBreaker === undefined ? undefined : new CircuitBreaker(options.circuitBreaker, circuitReporter(host.telemetry.metrics, options.durable, this.notifier), now);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  /** End the subscription for good, once it has drained: `status()` iterators end and `closed` resolves. */
  end(): Promise<void> {
    this.notifier.close();
    this.#resolveClosed();
    return this.closed;
  }

  /** Decode, validate and upcast a delivery; undefined when it is of a type not subscribed to. Throws when it can never be handled. */
  receive(subject: string, headers: HeaderLookup | undefined, data: Uint8Array): ReceivedEvent | undefined {
    return receiveEvent(this.#host.registry, this.#targets, subject, headers, data);
  }

  /** How long to defer a delivery while the circuit is open; 0 to run its handler now (always past `deferralLimit` deliveries). */
  #deferral(deliveryCount: number): number {
    return this.breaker !== undefined && deliveryCount < deferralLimit ? this.breaker.admit() : 0;
  }

  /** Run the handler on a received event, with its context and deadline, inside the telemetry of a handling. */
  run(spec: StreamSpec, received: ReceivedEvent, message: DeliveredMessage, subject: string, headers: HeaderLookup | undefined, handler: EventHandler = this.#handler): Promise<HandlerRun> {
    const event = received.event;
    const deadline = new HandlerDeadline();
    const context = new DeliveryContext(message, subject, received.receivedVersion, event as EventInstance, this.#host.create, deadline);
    const timeoutMs = handlerTimeoutOf(this.#options, spec);
    return this.#host.telemetry.handle(received.contract, event as JsonObject, this.#options.durable, subject, headers, () => deadline.run(() => handler(event, context), timeoutMs));
  }

  /**
   * What becomes of a delivery while the circuit is open, counted in the metrics: undefined when the
   * handler may run now; `"handled"` when the circuit's offline handler took the event (ack it); else
   * how long to defer it (the offline handler, if any, threw: that is told as a `handler_failed`). A
   * promise only when the offline handler runs: a delivery the circuit lets through goes on in the same turn.
   */
  whileOpen(spec: StreamSpec, received: ReceivedEvent, message: DeliveredMessage, subject: string, headers: HeaderLookup | undefined): OpenCircuitOutcome | Promise<OpenCircuitOutcome> | undefined {
    const deferMs = this.#deferral(message.info.deliveryCount);
    if (deferMs === 0) return undefined;
    const type = received.contract.type;
    const deferred = (): OpenCircuitOutcome => {
      this.#host.telemetry.consumed(type, this.#options.durable, "deferred", undefined);
      return { deferMs };
    };
    const offline = this.#options.circuitBreaker?.offline;
    if (offline === undefined) return deferred();
    return this.run(spec, received, message, subject, headers, offline).then((run) => {
      if (run.error === undefined) {
        this.#host.telemetry.consumed(type, this.#options.durable, "offline", run.seconds);
        return "handled";
      }
      this.notifier.emit({ type: "handler_failed", error: run.error, eventType: type, deliveryCount: message.info.deliveryCount, retryInMs: deferMs });
      return deferred();
    });
  }
}
