/**
 * Reading stored messages of a stream in order with an ordered consumer: from a sequence, a time
 * or the start, through subject filters, up to a last sequence or the end of what is stored.
 * Several filters take one consumer where the server takes several (`filter_subjects`, 2.10 on);
 * nats-server 2.9 takes one per consumer, so there each filter is read by a consumer of its own and
 * the reads are merged by stream sequence. Consumers are ephemeral, in memory, and deleted when the
 * read ends, however it ends, so reads leave nothing behind on the server.
 */
import type { Consumer, JetStreamClient, JetStreamManager, JsMsg, StoredMsg } from "@nats-io/jetstream";
import { messageHeaders, type HeaderLookup } from "./headers.js";
import { mergeOrdered } from "./merge-ordered.js";
import { StreamNotReadableError } from "./retention.js";
import { oneConsumerTakes, type ServerVersion } from "./server-features.js";

/** A stored message, however it was read. */
export interface RawMessage {
  readonly stream: string;
  readonly subject: string;
  readonly seq: number;
  /** When the stream stored it. */
  readonly time: Date;
  /** Its headers (NATS.js's, or read lazily from the raw header block). */
  readonly headers: HeaderLookup | undefined;
  readonly data: Uint8Array;
}

/** A message as a listener hears it when it is published. */
export interface HeardMessage {
  readonly subject: string;
  readonly headers?: HeaderLookup | undefined;
  readonly data: Uint8Array;
}

/** Where a read starts: a stream sequence, a time, or (undefined) the first stored message. */
export type ReadStart = { readonly seq: number } | { readonly time: Date } | undefined;

/** What to read. */
export interface ReadRange {
  readonly stream: string;
  /** A subject filter, or several read as one in stream order; undefined reads every subject of the stream. */
  readonly filter: string | readonly string[] | undefined;
  readonly start: ReadStart;
  /** The last sequence to read (inclusive); undefined reads to the end of what is stored when the read starts. */
  readonly endSeq: number | undefined;
  /** Messages the client buffers ahead. */
  readonly batch?: number;
}

/** Where stored messages are read back from: the streams of JetStream, or those of the in-memory bus. */
export interface MessageSource {
  /** The first and last sequence a stream holds (both 0 when it never held any). */
  bounds(stream: string): Promise<{ readonly first: number; readonly last: number }>;
  /** Read the messages of a range in stream order. */
  read(range: ReadRange): AsyncIterable<RawMessage>;
}

/** The stored messages of JetStream's streams, read with what the connected server can do. */
export function jetStreamMessages(js: JetStreamClient, jsm: JetStreamManager, server: ServerVersion): MessageSource {
  return {
    bounds: async (stream) => {
      const { first_seq: first, last_seq: last } = (await jsm.streams.info(stream)).state;
      return { first, last };
    },
    read: (range) => readFiltered(js, range, server),
  };
}

/** The subject filters of a range, as a list (empty for every subject). */
export function filtersOf(range: Pick<ReadRange, "filter">): readonly string[] {
  return range.filter === undefined ? [] : typeof range.filter === "string" ? [range.filter] : range.filter;
}

/**
 * Read a range in stream order: with one consumer where the server takes its filters, else (several
 * filters on nats-server 2.9, or overlapping ones) with one consumer per filter, merged by stream sequence.
 */
function readFiltered(js: JetStreamClient, range: ReadRange, server: ServerVersion): AsyncGenerator<RawMessage> {
  const filters = filtersOf(range);
  if (oneConsumerTakes(server, filters)) return readStream(js, range);
  return mergeOrdered(
    filters.map((filter) => readStream(js, { ...range, filter })),
    (a, b) => a.seq - b.seq,
  );
}

/** How long a read waits for a message before it asks the server whether any is left to come. */
const quietCheckMs = 500;

/**
 * Read the messages of a range in stream order; the consumer is deleted when the iteration ends.
 * Messages the stream removes while the read waits for them (its maximum age, a limit, a delete)
 * never come: a read that has waited for a while with nothing buffered asks the server, and ends
 * when nothing is left to come and nothing it delivered is still on its way.
 */
export async function* readStream(js: JetStreamClient, range: ReadRange): AsyncGenerator<RawMessage> {
  let consumer: Consumer;
  try {
    consumer = await js.consumers.get(range.stream, {
      ...consumerFilter(filtersOf(range)),
      ...startOptions(range.start),
      inactive_threshold: 30_000,
    });
  } catch (error) {
    // JetStream refuses an ordered consumer on a workqueue stream with a message about ack policies.
    if (await isWorkQueue(js, range.stream)) throw new StreamNotReadableError(range.stream, { cause: error });
    throw error;
  }
  try {
    const pending = (await consumer.info(true)).num_pending;
    if (pending === 0) return;
    const messages = await consumer.consume({ max_messages: Math.max(1, Math.min(pending, range.batch ?? 1_000)) });
    // Counted only while the loop waits for the client: a message it buffers comes at once, so a wait with nothing heard means nothing is buffered.
    let heard = false;
    let waiting = true;
    /** The consumer's delivery sequence of the last message heard: a larger delivered one is on its way. */
    let lastDelivery = 0;
    const quietCheck = setInterval(() => {
      if (heard || !waiting) {
        heard = false;
        return;
      }
      // `info()` asks the server; `info(true)` would answer from the consumer's creation.
      consumer.info().then(
        (info) => {
          if (waiting && !heard && info.num_pending === 0 && info.delivered.consumer_seq <= lastDelivery) messages.stop();
        },
        () => undefined,
      );
    }, quietCheckMs);
    quietCheck.unref();
    try {
      for await (const message of messages) {
        heard = true;
        waiting = false;
        lastDelivery = message.info.deliverySequence;
        if (range.endSeq !== undefined && message.seq > range.endSeq) return;
        yield fromJsMsg(message);
        if (message.info.pending === 0 || message.seq === range.endSeq) return;
        waiting = true;
      }
    } finally {
      clearInterval(quietCheck);
      messages.stop();
    }
  } finally {
    await consumer.delete().catch(() => undefined);
  }
}

/** Whether a stream has workqueue retention; false when that cannot be told. */
async function isWorkQueue(js: JetStreamClient, stream: string): Promise<boolean> {
  try {
    return (await (await js.streams.get(stream)).info()).config.retention === "workqueue";
  } catch {
    return false;
  }
}

/** A message read by a consumer, as a `RawMessage`. */
export function fromJsMsg(message: JsMsg): RawMessage {
  return {
    stream: message.info.stream,
    subject: message.subject,
    seq: message.seq,
    time: new Date(Math.floor(message.info.timestampNanos / 1_000_000)),
    headers: messageHeaders(message),
    data: message.data,
  };
}

/** A message read with a direct get by sequence or subject, as a `RawMessage`. */
export function fromStoredMsg(stream: string, message: StoredMsg): RawMessage {
  return { stream, subject: message.subject, seq: message.seq, time: message.time, headers: message.header, data: message.data };
}

/** The filter option of an ordered consumer: one subject as nats-server 2.9 takes it, several as 2.10 does. */
function consumerFilter(filters: readonly string[]): { filter_subjects?: string | string[] } {
  if (filters.length === 0) return {};
  return { filter_subjects: filters.length === 1 ? (filters[0] as string) : [...filters] };
}

function startOptions(start: ReadStart): { opt_start_seq: number } | { opt_start_time: string } | { deliver_policy: "all" } {
  if (start === undefined) return { deliver_policy: "all" };
  if ("seq" in start) return { opt_start_seq: Math.max(1, start.seq) };
  return { opt_start_time: start.time.toISOString() };
}
