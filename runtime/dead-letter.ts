/**
 * Dead letters: a message that cannot be handled is copied, original headers and payload intact, to
 * its stream's dead-letter stream on `<prefix>.<original subject>`, with `evc-dlq-*` headers that say
 * why, after how many deliveries and on which consumer. The copy always fits: the reason is cut to
 * a bounded length, and a message whose copy would pass the server's payload or header limits is
 * stored by reference (no body and no original headers, but the body's size and SHA-256 digest;
 * the original stays in its stream at the sequence named). They can be listed, shown, and
 * replayed to the one consumer that dead-lettered them: published to that durable's subject in the
 * stream's replay stream (`replayOf`), which the consumer's subscription reads beside its stream,
 * under a fresh message id, then removed from the dead-letter stream. Other consumers of the
 * event, which handled it, never see it again.
 */
import { createHash } from "node:crypto";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { DeliveredMessage } from "./delivery-context.js";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { ArgumentError, ContractError } from "./errors.js";
import { asMsgHdrs, encodeValue, Header, headerBlockBytes, headerPairs, readHeader } from "./headers.js";
import { checkId } from "./identifiers.js";
import { isDeletedAlready, isNoMessageFound } from "./jetstream-errors.js";
import { fromStoredMsg, type RawMessage } from "./stream-reader.js";
import { replayOf, type JetStreamTopology, type StreamSpec } from "./topology.js";

/** The headers a dead letter carries besides the original ones. */
export const DeadLetterHeader = {
  reason: "evc-dlq-reason",
  error: "evc-dlq-error",
  poison: "evc-dlq-poison",
  deliveries: "evc-dlq-deliveries",
  consumer: "evc-dlq-consumer",
  /** The failure's category, when it has one. */
  category: "evc-dlq-category",
  stream: "evc-dlq-stream",
  sequence: "evc-dlq-sequence",
  subject: "evc-dlq-subject",
  time: "evc-dlq-time",
  /** Set on a dead letter stored by reference: the body's SHA-256 digest (hex). */
  bodyDigest: "evc-dlq-body-sha256",
  /** Set on a dead letter stored by reference: the body's length in bytes. */
  bodyBytes: "evc-dlq-body-bytes",
} as const;

/** The longest reason a dead letter keeps, in characters; a longer one is cut and marked. */
export const maxReasonLength = 1_000;

/** The most header bytes a dead letter carries (JetStream refuses header blocks over 64 KiB). */
const maxHeaderBytes = 32 * 1024;

/** Original headers a dead letter stored by reference keeps, when short, so that listings name the event. */
const keptByReference = [Header.type, Header.eventVersion, Header.id];

/** Thrown when a dead letter cannot be replayed: the original it refers to is gone or changed. */
export class DeadLetterReplayError extends ContractError {
  constructor(deadLetterStream: string, seq: number, detail: string, options?: ErrorOptions) {
    super(`cannot replay dead letter ${deadLetterStream} #${seq}: ${detail}`, options);
    this.name = "DeadLetterReplayError";
  }
}

/** Why and where a message was dead-lettered. */
export interface DeadLetterCause {
  /** The error message. */
  readonly reason: string;
  /** The error's class name (`ValidationError`, `Error`, ...). */
  readonly error: string;
  /** True when the message can never succeed (invalid, unknown type or version), so it was not retried. */
  readonly poison: boolean;
  readonly deliveries: number;
  readonly consumer: string;
  /** The failure's category (named by a `PermanentFailure` or `TransientFailure`, or by the stream's policies for its event type). */
  readonly category: string | undefined;
}

/** A dead letter as stored. */
export interface DeadLetter extends DeadLetterCause {
  /** Its sequence in the dead-letter stream. */
  readonly seq: number;
  readonly deadLetterStream: string;
  /** The stream, sequence and subject it came from. */
  readonly stream: string;
  readonly streamSeq: number;
  readonly subject: string;
  readonly time: string;
  /** The event type and version its headers announce, if any. */
  readonly type: string | undefined;
  readonly version: number | undefined;
  readonly eventId: string | undefined;
  readonly headers: MsgHdrs;
  /** The body; empty when the dead letter is stored by reference. */
  readonly payload: Uint8Array;
  /** True when the copy would not fit: body and original headers stay in the original stream only. */
  readonly byReference: boolean;
  /** The original body's length in bytes. */
  readonly bodyBytes: number;
}

/** A dead letter ready to store: where, with which headers and body, under which message id. */
export interface DeadLetterCopy {
  readonly subject: string;
  readonly headers: MsgHdrs;
  readonly data: Uint8Array;
  /** Its `Nats-Msg-Id` (`deadLetterId`): writing it twice stores it once. */
  readonly msgID: string;
}

/**
 * The `Nats-Msg-Id` of a dead letter: one per consumer and stream sequence, so that writing it twice
 * stores it once, and every consumer that gives up on an event keeps its own (a replay goes back to
 * the consumer that wrote it).
 */
export function deadLetterId(consumer: string, stream: string, seq: number): string {
  return `dlq:${stream}:${seq}:${consumer}`;
}

/**
 * The dead-letter copy of a message: its original headers and body, with `evc-dlq-*` headers that
 * say why (the reason cut to a bounded length). `subject` is the one it was published on (a
 * replayed message's original subject). Stored by reference when it would pass `maxPayload` (the
 * server's) or the header limit.
 */
export function deadLetterCopy(spec: StreamSpec, message: DeliveredMessage, subject: string, cause: DeadLetterCause, maxPayload: number): DeadLetterCopy {
  const info = message.info;
  const own: [string, string][] = [
    [DeadLetterHeader.reason, encodeValue(cut(cause.reason, maxReasonLength))],
    [DeadLetterHeader.error, encodeValue(cut(cause.error, 100))],
    [DeadLetterHeader.poison, String(cause.poison)],
    [DeadLetterHeader.deliveries, String(cause.deliveries)],
    [DeadLetterHeader.consumer, encodeValue(cause.consumer)],
    ...(cause.category === undefined ? [] : [[DeadLetterHeader.category, encodeValue(cut(cause.category, 100))] as [string, string]]),
    [DeadLetterHeader.stream, info.stream],
    [DeadLetterHeader.sequence, String(info.streamSequence)],
    [DeadLetterHeader.subject, subject],
    [DeadLetterHeader.time, new Date().toISOString()],
  ];
  const original = headerPairs(message.headers).filter(([name]) => !name.toLowerCase().startsWith("nats-"));
  const headerBytes = headerBlockBytes([...own, ...original]);
  const fits = headerBytes <= maxHeaderBytes && headerBytes + spec.deadLetter.subjectPrefix.length + subject.length + message.data.length + 256 <= maxPayload;
  const kept = fits ? original : original.filter(([name, value]) => keptByReference.includes(name as (typeof keptByReference)[number]) && value.length <= 256);
  const reference: [string, string][] = fits
    ? []
    : [
        [DeadLetterHeader.bodyDigest, createHash("sha256").update(message.data).digest("hex")],
        [DeadLetterHeader.bodyBytes, String(message.data.length)],
      ];
  const headers = natsHeaders();
  for (const [name, value] of [...kept, ...own, ...reference]) headers.append(name, value);
  return { subject: `${spec.deadLetter.subjectPrefix}.${subject}`, headers, data: fits ? message.data : new Uint8Array(0), msgID: deadLetterId(cause.consumer, info.stream, info.streamSequence) };
}

/** Copy a message to the dead-letter stream of its stream (`deadLetterCopy`); idempotent (`deadLetterId`). Returns the dead letter as stored (as `readDeadLetter` reads it). */
export async function deadLetter(js: JetStreamClient, spec: StreamSpec, message: DeliveredMessage, subject: string, cause: DeadLetterCause, maxPayload: number): Promise<DeadLetter> {
  const copy = deadLetterCopy(spec, message, subject, cause, maxPayload);
  const ack = await js.publish(copy.subject, copy.data, { headers: copy.headers, msgID: copy.msgID });
  return toDeadLetter(spec.deadLetter.stream, { stream: ack.stream, subject: copy.subject, seq: ack.seq, time: new Date(), headers: copy.headers, data: copy.data });
}

/** A text cut to `length` characters, marked when cut. */
function cut(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 12)} [truncated]`;
}

/** Read one dead letter; undefined when there is none at that sequence. */
export async function readDeadLetter(jsm: JetStreamManager, deadLetterStream: string, seq: number): Promise<DeadLetter | undefined> {
  const stored = await storedMessage(jsm, deadLetterStream, seq);
  return stored === undefined ? undefined : toDeadLetter(deadLetterStream, stored);
}

/** The message a JetStream stream holds at a sequence; undefined when there is none. */
async function storedMessage(jsm: JetStreamManager, stream: string, seq: number): Promise<RawMessage | undefined> {
  try {
    const stored = await jsm.streams.getMessage(stream, { seq });
    return stored === null ? undefined : fromStoredMsg(stream, stored);
  } catch (error) {
    if (isNoMessageFound(error)) return undefined;
    throw error;
  }
}

/** List the dead letters of a dead-letter stream, oldest first, at most `limit`. */
export async function listDeadLetters(jsm: JetStreamManager, deadLetterStream: string, limit: number): Promise<DeadLetter[]> {
  const { state } = await jsm.streams.info(deadLetterStream);
  const found: DeadLetter[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && found.length < limit && state.messages > 0; seq++) {
    const letter = await readDeadLetter(jsm, deadLetterStream, seq);
    if (letter !== undefined) found.push(letter);
  }
  return found;
}

/** What replaying a dead letter needs of a bus's streams: JetStream's, or the in-memory bus's. */
export interface ReplayStore {
  /** The message stored at a sequence; undefined when there is none. */
  get(stream: string, seq: number): Promise<RawMessage | undefined>;
  /** Deliver a message of `spec`'s stream, published on `subject`, again to the durable consumer `consumer` only; returns where it was stored. */
  replay(spec: StreamSpec, consumer: string, subject: string, data: Uint8Array, headers: MsgHdrs, msgID: string): Promise<{ stream: string; seq: number }>;
  /** Delete the message at a sequence. */
  delete(stream: string, seq: number): Promise<void>;
}

/** What a replay needs of the bus (an `EventBus` has it). */
export interface ReplayHost {
  readonly jetstream: JetStreamClient;
  readonly manager: JetStreamManager;
  readonly registry: { readonly topology: JetStreamTopology };
}

/** Where a replayed dead letter went. */
export interface Replayed {
  /** The durable consumer it is delivered to, the one that dead-lettered it. */
  readonly consumer: string;
  /** The replay stream, and its sequence there. */
  readonly stream: string;
  readonly seq: number;
}

/**
 * Replay a dead letter to the consumer that dead-lettered it, and only to it: publish it, with its
 * original headers and payload and a fresh message id, on that durable's subject of the replay
 * stream (every subscription of the durable reads it, and handles it like any delivery), then
 * delete it from the dead-letter stream. A dead letter stored by reference replays the original
 * message, read from its stream and checked against the digest; `DeadLetterReplayError` when it
 * is gone or differs, or when the dead letter names no consumer.
 */
export async function replayDeadLetter(host: ReplayHost, deadLetterStream: string, seq: number): Promise<Replayed> {
  return replayFrom(jetStreamReplayStore(host.jetstream, host.manager), host.registry.topology, deadLetterStream, seq);
}

/** The stream whose dead-letter stream is named so; throws `ArgumentError` (about `argument`), listing them, when none is. */
export function deadLetterStreamOf(topology: JetStreamTopology, deadLetterStream: string, argument = "deadLetterStream"): StreamSpec {
  const spec = topology.streams.find((stream) => stream.deadLetter.stream === deadLetterStream);
  if (spec === undefined) {
    throw new ArgumentError(argument, `a dead-letter stream of the topology (${topology.streams.map((stream) => stream.deadLetter.stream).join(", ")}), not "${deadLetterStream}"`);
  }
  return spec;
}

/** `replayDeadLetter` on any `ReplayStore`. */
export async function replayFrom(store: ReplayStore, topology: JetStreamTopology, deadLetterStream: string, seq: number): Promise<Replayed> {
  const spec = deadLetterStreamOf(topology, deadLetterStream, "stream");
  const stored = await store.get(deadLetterStream, seq);
  if (stored === undefined) throw new ArgumentError("seq", `the sequence of a dead letter in "${deadLetterStream}", but it has none at ${seq} (replayed already, or never there: \`evc dlq list\` shows those it holds)`);
  const letter = toDeadLetter(deadLetterStream, stored);
  if (letter.consumer === "") throw new DeadLetterReplayError(deadLetterStream, seq, "it names no consumer to replay it to");
  checkId("consumer", letter.consumer, "consumer-name");
  const { headers: source, payload } = letter.byReference ? await originalOf(store, letter) : { headers: letter.headers, payload: letter.payload };
  const headers = natsHeaders();
  for (const [name, values] of source) {
    if (name.toLowerCase().startsWith("evc-dlq-") || name.toLowerCase().startsWith("nats-")) continue;
    for (const value of values) headers.append(name, value);
  }
  const replayed = await store.replay(spec, letter.consumer, letter.subject, payload, headers, `${letter.eventId ?? "event"}:replay:${deadLetterStream}:${seq}`);
  await store.delete(deadLetterStream, seq);
  return { consumer: letter.consumer, ...replayed };
}

/** JetStream as a `ReplayStore`: a replay goes to the durable's subject of the stream's replay stream, which its subscriptions read. */
function jetStreamReplayStore(js: JetStreamClient, jsm: JetStreamManager): ReplayStore {
  return {
    get: (stream, seq) => storedMessage(jsm, stream, seq),
    replay: async (spec, consumer, subject, data, headers, msgID) => {
      const ack = await js.publish(`${replayOf(spec).subjectPrefix}.${consumer}.${subject}`, data, { headers, msgID });
      return { stream: ack.stream, seq: ack.seq };
    },
    delete: async (stream, seq) => {
      try {
        await jsm.streams.deleteMessage(stream, seq);
      } catch (error) {
        // Another replay of the same letter deleted it first; the replay itself was stored once (same message id).
        if (!isDeletedAlready(error)) throw error;
      }
    },
  };
}

/** The original of a dead letter stored by reference, read from its stream and checked against the digest. */
async function originalOf(store: ReplayStore, letter: DeadLetter): Promise<{ headers: MsgHdrs; payload: Uint8Array }> {
  const stored = await store.get(letter.stream, letter.streamSeq);
  if (stored === undefined) throw new DeadLetterReplayError(letter.deadLetterStream, letter.seq, `it is stored by reference and the original, ${letter.stream} #${letter.streamSeq}, is gone (expired or deleted)`);
  const digest = createHash("sha256").update(stored.data).digest("hex");
  if (digest !== readHeader(letter.headers, DeadLetterHeader.bodyDigest)) {
    throw new DeadLetterReplayError(letter.deadLetterStream, letter.seq, `it is stored by reference and ${letter.stream} #${letter.streamSeq} no longer holds the original (its digest differs)`);
  }
  return { headers: asMsgHdrs(stored.headers), payload: stored.data };
}

/** A stored dead-letter message as a `DeadLetter`. */
export function toDeadLetter(deadLetterStream: string, stored: RawMessage): DeadLetter {
  const header = (name: string) => readHeader(stored.headers, name);
  const version = header(Header.eventVersion);
  return {
    seq: stored.seq,
    deadLetterStream,
    reason: header(DeadLetterHeader.reason) ?? "",
    error: header(DeadLetterHeader.error) ?? "",
    poison: header(DeadLetterHeader.poison) === "true",
    deliveries: Number(header(DeadLetterHeader.deliveries) ?? 0),
    consumer: header(DeadLetterHeader.consumer) ?? "",
    category: header(DeadLetterHeader.category),
    stream: header(DeadLetterHeader.stream) ?? "",
    streamSeq: Number(header(DeadLetterHeader.sequence) ?? 0),
    subject: header(DeadLetterHeader.subject) ?? stored.subject,
    time: header(DeadLetterHeader.time) ?? stored.time.toISOString(),
    type: header(Header.type),
    version: version === undefined ? undefined : Number(version),
    eventId: header(Header.id),
    headers: asMsgHdrs(stored.headers),
    payload: stored.data,
    byReference: header(DeadLetterHeader.bodyDigest) !== undefined,
    bodyBytes: Number(header(DeadLetterHeader.bodyBytes) ?? stored.data.length),
  };
}
