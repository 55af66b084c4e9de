/**
 * Dead letters: a message that cannot be handled is copied, original headers and payload intact, to
 * its stream's dead-letter stream on `<prefix>.<original subject>`, with `evc-dlq-*` headers that say
 * why, after how many deliveries and on which consumer. They can be listed, shown, and replayed:
 * republished to their original subject under a fresh message id (the original id would fall in
 * the duplicate window and be dropped), then removed from the dead-letter stream.
 */
import type { JetStreamClient, JetStreamManager, JsMsg, StoredMsg } from "@nats-io/jetstream";
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import { ArgumentError } from "./errors.js";
import { encodeValue, Header, readHeader } from "./headers.js";
import { isNoMessageFound } from "./jetstream-errors.js";
import type { StreamSpec } from "./topology.js";

/** The headers a dead letter carries besides the original ones. */
export const DeadLetterHeader = {
  reason: "evc-dlq-reason",
  error: "evc-dlq-error",
  poison: "evc-dlq-poison",
  deliveries: "evc-dlq-deliveries",
  consumer: "evc-dlq-consumer",
  stream: "evc-dlq-stream",
  sequence: "evc-dlq-sequence",
  subject: "evc-dlq-subject",
  time: "evc-dlq-time",
} as const;

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
  readonly payload: Uint8Array;
}

/** Copy a message to the dead-letter stream of its stream; idempotent per stream sequence. */
export async function deadLetter(js: JetStreamClient, spec: StreamSpec, message: JsMsg, cause: DeadLetterCause): Promise<void> {
  const headers = natsHeaders();
  if (message.headers !== undefined) {
    for (const [name, values] of message.headers) {
      if (name.toLowerCase().startsWith("nats-")) continue;
      for (const value of values) headers.append(name, value);
    }
  }
  const info = message.info;
  headers.set(DeadLetterHeader.reason, encodeValue(cause.reason));
  headers.set(DeadLetterHeader.error, encodeValue(cause.error));
  headers.set(DeadLetterHeader.poison, String(cause.poison));
  headers.set(DeadLetterHeader.deliveries, String(cause.deliveries));
  headers.set(DeadLetterHeader.consumer, encodeValue(cause.consumer));
  headers.set(DeadLetterHeader.stream, info.stream);
  headers.set(DeadLetterHeader.sequence, String(info.streamSequence));
  headers.set(DeadLetterHeader.subject, message.subject);
  headers.set(DeadLetterHeader.time, new Date().toISOString());
  await js.publish(`${spec.deadLetter.subjectPrefix}.${message.subject}`, message.data, {
    headers,
    msgID: `dlq:${info.stream}:${info.streamSequence}`,
  });
}

/** Read one dead letter; undefined when there is none at that sequence. */
export async function readDeadLetter(jsm: JetStreamManager, deadLetterStream: string, seq: number): Promise<DeadLetter | undefined> {
  let stored: StoredMsg | null;
  try {
    stored = await jsm.streams.getMessage(deadLetterStream, { seq });
  } catch (error) {
    if (isNoMessageFound(error)) return undefined;
    throw error;
  }
  return stored === null ? undefined : toDeadLetter(deadLetterStream, stored);
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

/**
 * Republish a dead letter to its original subject, with its original headers and payload and a
 * fresh message id, then delete it from the dead-letter stream. Returns the new stream sequence.
 */
export async function replayDeadLetter(js: JetStreamClient, jsm: JetStreamManager, deadLetterStream: string, seq: number): Promise<number> {
  const letter = await readDeadLetter(jsm, deadLetterStream, seq);
  if (letter === undefined) throw new ArgumentError("seq", `the sequence of a message in "${deadLetterStream}", but it has none at ${seq}`);
  const headers = natsHeaders();
  for (const [name, values] of letter.headers) {
    if (name.toLowerCase().startsWith("evc-dlq-") || name.toLowerCase().startsWith("nats-")) continue;
    for (const value of values) headers.append(name, value);
  }
  const ack = await js.publish(letter.subject, letter.payload, { headers, msgID: `${letter.eventId ?? "event"}:replay:${deadLetterStream}:${seq}` });
  await jsm.streams.deleteMessage(deadLetterStream, seq);
  return ack.seq;
}

function toDeadLetter(deadLetterStream: string, stored: StoredMsg): DeadLetter {
  const header = (name: string) => readHeader(stored.header, name);
  const version = header(Header.eventVersion);
  return {
    seq: stored.seq,
    deadLetterStream,
    reason: header(DeadLetterHeader.reason) ?? "",
    error: header(DeadLetterHeader.error) ?? "",
    poison: header(DeadLetterHeader.poison) === "true",
    deliveries: Number(header(DeadLetterHeader.deliveries) ?? 0),
    consumer: header(DeadLetterHeader.consumer) ?? "",
    stream: header(DeadLetterHeader.stream) ?? "",
    streamSeq: Number(header(DeadLetterHeader.sequence) ?? 0),
    subject: header(DeadLetterHeader.subject) ?? stored.subject,
    time: header(DeadLetterHeader.time) ?? stored.time.toISOString(),
    type: header(Header.type),
    version: version === undefined ? undefined : Number(version),
    eventId: header(Header.id),
    headers: stored.header,
    payload: stored.data,
  };
}
