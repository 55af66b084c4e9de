/**
 * Publishing: validate, encode, send with the event id as `Nats-Msg-Id`, wait for the stream's ack.
 * A publish that times out or loses its connection may still have been stored, so it is retried
 * with the same id until it is acknowledged or the retry budget is spent: JetStream's duplicate
 * window turns the retries into one stored event. A batch keeps a bounded number of publishes in
 * flight and reports a result per event.
 */
import type { PubAck } from "@nats-io/jetstream";
import { JetStreamApiError } from "@nats-io/jetstream";
import { AckTimeoutError, NoStreamResponseError, type AckInbox } from "./ack-inbox.js";
import { isStreamFull } from "./jetstream-errors.js";
import { NoStreamError } from "./no-stream.js";
import { setTimeout as sleep } from "node:timers/promises";
import type { EventContract, EventInstance, JsonObject } from "./contract.js";
import { encodeEvent, prepareEvent, withHeaders, type EncodedEvent, type PreparedEvent } from "./codec.js";
import { headerBlockBytes, headerPairs } from "./headers.js";
import { ArgumentError, ContractError, UnknownEventError } from "./errors.js";
import { eventJson } from "./event-json.js";
import { isPlainObject } from "./json.js";
import { eventSourcedStream, type Registry } from "./registry.js";
import type { PublishAck, PublishResult } from "./publish-result.js";
import type { Telemetry } from "./telemetry.js";
import { requireNumber, shown } from "./argument-checks.js";

export type { PublishAck, PublishResult } from "./publish-result.js";

/** Something `publish` accepts: a generated event object, or an event's JSON (its `type` and `version` name the contract). */
export type Publishable = EventInstance | { readonly type: string; readonly version?: number; readonly [field: string]: unknown };

/** Thrown when a publish is not acknowledged within its retry budget; it may or may not have been stored, and retrying with the same id is safe. */
export class PublishTimeoutError extends ContractError {
  readonly id: string;

  /** `waitedMs`: since the first try; `tries`: how many were sent. */
  constructor(id: string, subject: string, waitedMs: number, tries: number, options?: ErrorOptions) {
    super(`publish of event "${id}" on "${subject}" was not acknowledged after ${tries} ${tries === 1 ? "try" : "tries"} in ${waitedMs} ms; it may have been stored, publish it again with the same id`, options);
    this.name = "PublishTimeoutError";
    this.id = id;
  }
}

/**
 * Thrown when the event's stream is full and declares `discard: new`: the stream refused the event
 * and nothing was stored. Publishing it again fails the same way until the stream has room.
 */
export class StreamFullError extends ContractError {
  readonly id: string;
  readonly subject: string;
  /** The stream, when the event's contract names it. */
  readonly stream: string | undefined;
  /** What the server said: which limit the stream is at. */
  readonly reason: string;

  constructor(id: string, subject: string, stream: string | undefined, reason: string, options?: ErrorOptions) {
    super(
      `${stream === undefined ? "the stream" : `stream ${stream}`} refused event "${id}" on "${subject}" (${reason}); nothing was stored: the stream is full and declares discard: new, so it takes no new event until older ones expire or are removed; raise its limits (maxMsgs, maxBytes) or let it discard old events`,
      options,
    );
    this.name = "StreamFullError";
    this.id = id;
    this.subject = subject;
    this.stream = stream;
    this.reason = reason;
  }
}

/** NATS's default `max_payload` (1 MiB), assumed while the server has not said its own. */
export const defaultMaxPayload = 1024 * 1024;

/** Thrown when an event, with its headers, is larger than the server's `max_payload`; nothing was sent. */
export class PayloadTooLargeError extends ContractError {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  /** The size of the message: body and headers, in bytes. */
  readonly bytes: number;
  /** The server's `max_payload`, in bytes. */
  readonly limit: number;

  /** `measured`: what `bytes` counts, the body with its headers unless said otherwise. */
  constructor(encoded: Pick<EncodedEvent, "id">, contract: EventContract, bytes: number, limit: number, measured = "with its headers") {
    super(
      `event "${contract.type}" v${contract.version} (id ${encoded.id}) is ${bytes} bytes ${measured}, past the server's max_payload of ${limit} bytes; nothing was sent: keep large data out of the event (store it and send a reference to it) or raise the server's max_payload`,
    );
    this.name = "PayloadTooLargeError";
    this.id = encoded.id;
    this.type = contract.type;
    this.version = contract.version;
    this.bytes = bytes;
    this.limit = limit;
  }
}

/** `PayloadTooLargeError` when the encoded event, body and headers as the client counts them, is past `limit` bytes; undefined when it fits. */
export function payloadTooLarge(encoded: EncodedEvent, contract: EventContract, limit: number): PayloadTooLargeError | undefined {
  const bytes = encoded.body.length + headerBlockBytes(headerPairs(encoded.headers));
  return bytes <= limit ? undefined : new PayloadTooLargeError(encoded, contract, bytes, limit);
}

/** An event's JSON readied to publish (`readyEvent`): its contract, its JSON, and its message, validated, serialized and of a size the server takes. */
export interface ReadyEvent {
  readonly contract: EventContract;
  readonly json: JsonObject;
  readonly prepared: PreparedEvent;
}

/**
 * Ready an event's JSON to publish without sending anything: resolve its contract, validate and
 * serialize it, and check its size with its headers (written with `source`) against `maxPayload`.
 * Throws what publishing it would: an unknown type or version, one only the event store may write,
 * an invalid event, one too large. A relay readies a batch before it sends any of it, so that
 * nothing after such an event goes out before it, and sends what it readied (`publishReady`).
 */
export function readyEvent(registry: Registry, json: Publishable, source: string, maxPayload: number): ReadyEvent {
  const { contract, json: resolved } = resolvePlainEvent(registry, json);
  const prepared = prepareEvent(contract, resolved, source);
  const tooLarge = payloadTooLarge(withHeaders(prepared, undefined), contract, maxPayload);
  if (tooLarge !== undefined) throw tooLarge;
  return { contract, json: resolved, prepared };
}

/** Publish an event `readyEvent` readied, with its trace headers, retrying as `publishEvent` does; nothing is validated or serialized again. */
export function publishReady(inbox: AckInbox, registry: Registry, ready: ReadyEvent, settings: PublishSettings, telemetry: Telemetry): Promise<PublishAck> {
  const { contract, json, prepared } = ready;
  const declared = streamDeclared(registry, contract);
  return telemetry.publish(contract, json, (trace) => sendEvent(inbox, withHeaders(prepared, trace), contract, settings, declared));
}

/** Thrown when an event of an event-sourced aggregate type is published around the event store; nothing was sent. */
export class EventSourcedPublishError extends ContractError {
  readonly type: string;
  readonly version: number;
  readonly aggregateType: string;

  constructor(contract: EventContract, stream: string) {
    const aggregateType = contract.aggregateType ?? "";
    super(
      `cannot publish "${contract.type}" v${contract.version}: aggregate type "${aggregateType}" is event-sourced (stream ${stream} lists it under eventSourced), so only the event store writes its events; append it through the event store (@evc/runtime/store: store.append or a Repository)`,
    );
    this.name = "EventSourcedPublishError";
    this.type = contract.type;
    this.version = contract.version;
    this.aggregateType = aggregateType;
  }
}

/** How publishes are sent. */
export interface PublishSettings {
  /** How long one attempt waits for the stream's ack. */
  readonly attemptTimeoutMs: number;
  /** How long a publish keeps retrying after timeouts and lost connections. */
  readonly retryForMs: number;
  /** Publishes a batch keeps in flight at once. */
  readonly maxInFlight: number;
  /** The server's `max_payload`: a larger message fails with `PayloadTooLargeError`. */
  readonly maxPayload: number;
}

/** The contract of an instance of a generated event class (its class's static `contract`); undefined for any other value. */
function classContract(event: unknown): EventContract | undefined {
  if (typeof event !== "object" || event === null) return undefined;
  return (Object.getPrototypeOf(event) as { constructor?: { contract?: EventContract } } | null)?.constructor?.contract;
}

/**
 * Throw `ArgumentError` unless `event` is an instance of a generated event class (as `create` and
 * the generated classes build), naming what it is instead: `publish` takes no event's JSON.
 */
export function requireEventObject(event: unknown): asserts event is EventInstance {
  if (classContract(event) !== undefined) return;
  throw new ArgumentError("event", `an instance of a generated event class (built by create or by a class such as OrderPlacedV1), not ${described(event)}`);
}

/** What a value that is no generated event is, for an error message. */
function described(value: unknown): string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return shown(value);
  const prototype = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  if (prototype === null || prototype === Object.prototype) return "a plain object (an event's JSON goes to publishJson)";
  return `an instance of ${prototype.constructor?.name || "an anonymous class"}`;
}

/** The contract and JSON of something to publish (an envelope without `version` is of the latest, which is filled in); throws `UnknownEventError` or `ArgumentError`. */
export function resolveEvent(registry: Registry, event: Publishable): { contract: EventContract; json: JsonObject } {
  const own = classContract(event);
  if (own !== undefined) return { contract: own, json: eventJson(event) };
  if (!isPlainObject(event)) throw new ArgumentError("event", "a generated event object or an event's JSON object");
  const json = event as JsonObject;
  const type = json["type"];
  if (typeof type !== "string") throw new ArgumentError("event", 'an event with a string "type" (or a generated event object)');
  const version = json["version"];
  const contract = typeof version === "number" ? registry.get(type, version) : registry.latest(type);
  if (contract === undefined) throw new UnknownEventError(type, typeof version === "number" ? version : undefined, registry.versions(type).map((c) => c.version));
  // An envelope without its version is of the latest, which its pin says, as a generated class fills it in.
  if (version === undefined && contract.envelope && !Object.hasOwn(json, "version")) return { contract, json: { ...json, version: contract.version } };
  return { contract, json };
}

/** Like `resolveEvent`, for a plain publish: also throws `EventSourcedPublishError` for an event only the event store may write. */
export function resolvePlainEvent(registry: Registry, event: Publishable): { contract: EventContract; json: JsonObject } {
  const resolved = resolveEvent(registry, event);
  requirePlainWriter(registry, resolved.contract);
  return resolved;
}

function requirePlainWriter(registry: Registry, contract: EventContract): void {
  const stream = eventSourcedStream(registry, contract);
  if (stream !== undefined) throw new EventSourcedPublishError(contract, stream.name);
}

/**
 * The pause before retry `attempt` (1, 2, ...): exponential from 50 ms up to 1 s, with "equal
 * jitter" (half fixed, half drawn from `random` in [0, 1)), so that publishers that lost the same
 * connection do not all retry in the same instant.
 */
export function retryPause(attempt: number, random: number): number {
  const ceiling = Math.min(50 * 2 ** (attempt - 1), 1_000);
  return ceiling / 2 + (ceiling / 2) * random;
}

/**
 * Send one encoded event and wait for its ack, retrying with the same id on timeouts and lost
 * connections. `streamDeclared` says whether the topology declares the contract's stream: when it
 * does not, a subject no stream of the server answers for fails at once with `NoStreamError`.
 */
export function sendEvent(inbox: AckInbox, encoded: EncodedEvent, contract: EventContract, settings: PublishSettings, streamDeclared = true): Promise<PublishAck> {
  const deadline = performance.now() + settings.retryForMs;
  // The first attempt goes out without an async frame of its own, and without closures made per call: most publishes need no retry.
  return sendOnce(inbox, encoded, settings).then(
    (ack) => ackOf(encoded, contract, ack),
    (error: unknown) =>
      retry(payloadTooLarge(encoded, contract, settings.maxPayload) ?? error, inbox, deadline, encoded, contract, settings, streamDeclared).then((ack) => ackOf(encoded, contract, ack)),
  );
}

function sendOnce(inbox: AckInbox, encoded: EncodedEvent, settings: PublishSettings): Promise<PubAck> {
  // `Nats-Msg-Id` is among the encoded headers already (`eventHeaders`).
  return inbox.publish(encoded.subject, encoded.body, encoded.headers, settings.attemptTimeoutMs);
}

function ackOf(encoded: EncodedEvent, contract: EventContract, ack: PubAck): PublishAck {
  return { id: encoded.id, type: contract.type, version: contract.version, subject: encoded.subject, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

/** Retry a failed publish attempt with backoff until it is acknowledged or the budget ends at `deadline`; a full stream's refusal is final. */
async function retry(first: unknown, inbox: AckInbox, deadline: number, encoded: EncodedEvent, contract: EventContract, settings: PublishSettings, streamDeclared: boolean): Promise<PubAck> {
  let error = first;
  for (let tries = 1; ; tries++) {
    if (isStreamFull(error)) throw new StreamFullError(encoded.id, encoded.subject, contract.stream, error.apiError().description, { cause: error });
    // A stream the topology declares may not be there yet (provisioning, a restart); one it does not declare will not come.
    if (error instanceof NoStreamResponseError && !streamDeclared) throw new NoStreamError(encoded.subject, { cause: error });
    if (!retryable(error)) throw error;
    const pause = retryPause(tries, Math.random());
    if (performance.now() + pause > deadline) {
      throw new PublishTimeoutError(encoded.id, encoded.subject, Math.round(performance.now() - (deadline - settings.retryForMs)), tries, { cause: error });
    }
    await sleep(pause);
    try {
      return await sendOnce(inbox, encoded, settings);
    } catch (failure) {
      error = failure;
    }
  }
}

/**
 * Publish one event: validate and encode (throwing before anything is sent), then send, inside a
 * producer span. An event of an event-sourced aggregate type throws `EventSourcedPublishError`.
 */
export async function publishEvent(inbox: AckInbox, registry: Registry, event: Publishable, source: string, settings: PublishSettings, telemetry: Telemetry): Promise<PublishAck> {
  const { contract, json } = resolvePlainEvent(registry, event);
  const declared = streamDeclared(registry, contract);
  return telemetry.publish(contract, json, (trace) => sendEvent(inbox, encodeEvent(contract, json, { source, trace }), contract, settings, declared));
}

/** Whether the topology declares the stream of a contract: one it does not declare will not come, where a declared one may not be there yet. */
function streamDeclared(registry: Registry, contract: EventContract): boolean {
  return contract.stream !== undefined && registry.stream(contract.stream) !== undefined;
}

/**
 * Publish many events with at most `settings.maxInFlight` unacknowledged at once; one result per
 * event, in order. An event of an event-sourced aggregate type anywhere in the batch throws
 * `EventSourcedPublishError` before any is sent.
 */
export async function publishEvents(
  inbox: AckInbox,
  registry: Registry,
  events: readonly Publishable[],
  source: string,
  settings: PublishSettings,
  telemetry: Telemetry,
): Promise<PublishResult[]> {
  requirePlainWriters(registry, events);
  return publishAll(events, settings.maxInFlight, (event) => publishEvent(inbox, registry, event, source, settings, telemetry));
}

/** Throw `EventSourcedPublishError` when any event of a batch is of an event-sourced aggregate type; an unknown or malformed one fails in its own result. */
export function requirePlainWriters(registry: Registry, events: readonly Publishable[]): void {
  for (const event of events) {
    let contract: EventContract;
    try {
      ({ contract } = resolveEvent(registry, event));
    } catch {
      continue;
    }
    requirePlainWriter(registry, contract);
  }
}

/** Run `publish` over many events with at most `maxInFlight` at once; one result per event, in order, failures included. */
export async function publishAll(events: readonly Publishable[], maxInFlight: number, publish: (event: Publishable) => Promise<PublishAck>): Promise<PublishResult[]> {
  requireNumber("maxInFlight", maxInFlight, "count");
  const results: PublishResult[] = new Array<PublishResult>(events.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < events.length) {
      const index = next++;
      try {
        results[index] = { ok: true, ack: await publish(events[index] as Publishable) };
      } catch (error) {
        results[index] = { ok: false, error: error as Error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(maxInFlight, events.length)) }, worker));
  return results;
}

function retryable(error: unknown): boolean {
  if (error instanceof AckTimeoutError || error instanceof NoStreamResponseError) return true;
  return error instanceof JetStreamApiError && error.status === 503;
}
