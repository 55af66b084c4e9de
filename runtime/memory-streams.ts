/**
 * The streams of the in-memory bus: each an append-only list of messages numbered from 1, with the
 * stream's duplicate window on message ids and its limits as JetStream applies them (oldest
 * messages removed past `maxMsgs`, `maxBytes` or `maxAgeMs`, or, with `discard: new`, new ones
 * refused with `StreamFullError`), read back like JetStream's (`MessageSource`) for history and
 * request/response.
 */
import type { MsgHdrs } from "@nats-io/transport-node";
import { ArgumentError } from "./errors.js";
import { headerBlockBytes, headerPairs } from "./headers.js";
import { streamLimitReasons } from "./jetstream-errors.js";
import { StreamFullError } from "./publish.js";
import { StreamNotReadableError } from "./retention.js";
import { filtersOf, type MessageSource, type RawMessage, type ReadRange } from "./stream-reader.js";
import { matchesPattern } from "./subject.js";
import type { StreamLimits } from "./topology.js";

/** What storing a message did: its sequence, and whether the stream already had its id. */
export interface Stored {
  readonly message: RawMessage;
  readonly duplicate: boolean;
}

/** One stream's messages, the ids it has seen, its limits and what it holds. */
interface StreamState {
  /** By sequence - 1; undefined where a message was removed (sequences are never reused). */
  readonly messages: (RawMessage | undefined)[];
  /** Each message's size as counted against `maxBytes`, by sequence - 1. */
  readonly sizes: number[];
  /** Where each id was stored, and when. */
  readonly ids: Map<string, { seq: number; time: number }>;
  /** The limits of the last append. */
  limits: StreamLimits;
  /** Messages held, and their bytes as JetStream's memory storage counts them. */
  held: number;
  bytes: number;
  /** The index before which every message has been removed. */
  oldest: number;
}

/** A stream without limits: nothing expires or is removed. */
const noLimits: StreamLimits = { duplicateWindowMs: 0, maxAgeMs: 0, maxMsgs: -1, maxBytes: -1, discard: "old", retention: "limits" };

/** Every stream of an in-memory broker, created on first use. */
export class MemoryStreams implements MessageSource {
  readonly #streams = new Map<string, StreamState>();
  readonly #now: () => number;
  readonly #retentionOf: (stream: string) => StreamLimits["retention"];

  /** `retentionOf` tells a stream's retention before anything is stored on it. */
  constructor(now: () => number, retentionOf: (stream: string) => StreamLimits["retention"] = () => "limits") {
    this.#now = now;
    this.#retentionOf = retentionOf;
  }

  /**
   * Append a message under a stream's limits: a message id already stored within the duplicate
   * window stores nothing and returns the earlier message; past a limit, the oldest messages are
   * removed, or, with `discard: new`, the message is refused with `StreamFullError`.
   */
  append(stream: string, subject: string, headers: MsgHdrs | undefined, data: Uint8Array, id: string, limits: StreamLimits): Stored {
    const state = this.#state(stream);
    state.limits = limits;
    this.#expire(state);
    const now = this.#now();
    const earlier = state.ids.get(id);
    if (earlier !== undefined && now - earlier.time <= limits.duplicateWindowMs) {
      const message = state.messages[earlier.seq - 1];
      if (message !== undefined) return { message, duplicate: true };
    }
    const bytes = storedBytes(subject, headers, data);
    if (limits.discard === "new") {
      const full = exceeded(limits, state.held + 1, state.bytes + bytes);
      if (full !== undefined) throw new StreamFullError(id, subject, stream, full);
    }
    const message: RawMessage = { stream, subject, seq: state.messages.length + 1, time: new Date(now), headers, data };
    state.messages.push(message);
    state.sizes.push(bytes);
    state.held++;
    state.bytes += bytes;
    state.ids.set(id, { seq: message.seq, time: now });
    while (exceeded(limits, state.held, state.bytes) !== undefined && state.held > 1) this.#remove(state, oldestIndex(state));
    return { message, duplicate: false };
  }

  /** The messages a stream holds, oldest first. */
  list(stream: string): readonly RawMessage[] {
    const state = this.#held(stream);
    return state === undefined ? [] : state.messages.slice(state.oldest).filter((message) => message !== undefined);
  }

  /** The message at a sequence; undefined when there is none. */
  get(stream: string, seq: number): RawMessage | undefined {
    return this.#held(stream)?.messages[seq - 1];
  }

  /** Whether the stream still holds a message (it may have been deleted, or removed by the stream's limits). */
  holds(message: RawMessage): boolean {
    return this.get(message.stream, message.seq) === message;
  }

  /** Remove a message the stream may still hold (an acknowledged one, under workqueue or interest retention). */
  discard(message: RawMessage): void {
    const state = this.#streams.get(message.stream);
    if (state !== undefined && this.holds(message)) this.#remove(state, message.seq - 1);
  }

  /** Delete the message at a sequence; the sequence is not reused. */
  delete(stream: string, seq: number): void {
    const state = this.#held(stream);
    if (state?.messages[seq - 1] === undefined) throw new ArgumentError("seq", `the sequence of a message in "${stream}", but it has none at ${seq}`);
    this.#remove(state, seq - 1);
  }

  async bounds(stream: string): Promise<{ readonly first: number; readonly last: number }> {
    const held = this.list(stream);
    return { first: held[0]?.seq ?? 0, last: this.#streams.get(stream)?.messages.length ?? 0 };
  }

  async *read(range: ReadRange): AsyncGenerator<RawMessage> {
    if (this.#retentionOf(range.stream) === "workqueue") throw new StreamNotReadableError(range.stream);
    const end = range.endSeq ?? this.#streams.get(range.stream)?.messages.length ?? 0;
    const filters = filtersOf(range);
    for (const message of this.list(range.stream)) {
      if (message.seq > end) return;
      if (filters.length > 0 && !filters.some((filter) => matchesPattern(message.subject, filter))) continue;
      if (range.start !== undefined && ("seq" in range.start ? message.seq < range.start.seq : message.time < range.start.time)) continue;
      yield message;
    }
  }

  #state(stream: string): StreamState {
    let state = this.#streams.get(stream);
    if (state === undefined) {
      state = { messages: [], sizes: [], ids: new Map(), limits: noLimits, held: 0, bytes: 0, oldest: 0 };
      this.#streams.set(stream, state);
    }
    return state;
  }

  /** A stream's state with what its maximum age removes by now removed; undefined for a stream never written. */
  #held(stream: string): StreamState | undefined {
    const state = this.#streams.get(stream);
    if (state !== undefined) this.#expire(state);
    return state;
  }

  #expire(state: StreamState): void {
    if (state.limits.maxAgeMs <= 0) return;
    const oldestKept = this.#now() - state.limits.maxAgeMs;
    while (state.held > 0) {
      const index = oldestIndex(state);
      if ((state.messages[index] as RawMessage).time.getTime() >= oldestKept) return;
      this.#remove(state, index);
    }
  }

  #remove(state: StreamState, index: number): void {
    state.messages[index] = undefined;
    state.held--;
    state.bytes -= state.sizes[index] ?? 0;
  }
}

/** The index of a stream's oldest message, moving `oldest` past removed ones; the stream holds one. */
function oldestIndex(state: StreamState): number {
  while (state.messages[state.oldest] === undefined) state.oldest++;
  return state.oldest;
}

/** A message's size as JetStream's memory storage counts it against `maxBytes`: subject, header block, body, and 16 bytes. */
function storedBytes(subject: string, headers: MsgHdrs | undefined, data: Uint8Array): number {
  const pairs = headerPairs(headers);
  return Buffer.byteLength(subject) + (pairs.length === 0 ? 0 : headerBlockBytes(pairs)) + data.length + 16;
}

/** Which limit a stream holding `messages` messages of `bytes` bytes is past, as nats-server words it; undefined when within them. */
function exceeded(limits: StreamLimits, messages: number, bytes: number): string | undefined {
  if (limits.maxMsgs >= 0 && messages > limits.maxMsgs) return streamLimitReasons.messages;
  if (limits.maxBytes >= 0 && bytes > limits.maxBytes) return streamLimitReasons.bytes;
  return undefined;
}
