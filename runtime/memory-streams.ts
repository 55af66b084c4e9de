/**
 * The streams of the in-memory bus: each an append-only list of messages numbered from 1, with the
 * stream's duplicate window on message ids, read back like JetStream's (`MessageSource`) for
 * history and request/response.
 */
import type { MsgHdrs } from "@nats-io/transport-node";
import { ArgumentError } from "./errors.js";
import type { MessageSource, RawMessage, ReadRange } from "./stream-reader.js";
import { matchesPattern } from "./subject.js";

/** What storing a message did: its sequence, and whether the stream already had its id. */
export interface Stored {
  readonly message: RawMessage;
  readonly duplicate: boolean;
}

/** One stream's messages and the ids it has seen. */
interface StreamState {
  /** By sequence - 1; undefined where a message was deleted (sequences are never reused). */
  readonly messages: (RawMessage | undefined)[];
  /** Where each id was stored, and when. */
  readonly ids: Map<string, { seq: number; time: number }>;
}

/** Every stream of an in-memory broker, created on first use. */
export class MemoryStreams implements MessageSource {
  readonly #streams = new Map<string, StreamState>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Append a message; a message id already stored within `duplicateWindowMs` stores nothing and returns the earlier message. */
  append(stream: string, subject: string, headers: MsgHdrs | undefined, data: Uint8Array, id: string, duplicateWindowMs: number): Stored {
    const state = this.#state(stream);
    const now = this.#now();
    const earlier = state.ids.get(id);
    if (earlier !== undefined && now - earlier.time <= duplicateWindowMs) {
      const message = state.messages[earlier.seq - 1];
      if (message !== undefined) return { message, duplicate: true };
    }
    const message: RawMessage = { stream, subject, seq: state.messages.length + 1, time: new Date(now), headers, data };
    state.messages.push(message);
    state.ids.set(id, { seq: message.seq, time: now });
    return { message, duplicate: false };
  }

  /** The messages a stream holds, oldest first. */
  list(stream: string): readonly RawMessage[] {
    return (this.#streams.get(stream)?.messages ?? []).filter((message) => message !== undefined);
  }

  /** The message at a sequence; undefined when there is none. */
  get(stream: string, seq: number): RawMessage | undefined {
    return this.#streams.get(stream)?.messages[seq - 1];
  }

  /** Delete the message at a sequence; the sequence is not reused. */
  delete(stream: string, seq: number): void {
    const state = this.#streams.get(stream);
    if (state?.messages[seq - 1] === undefined) throw new ArgumentError("seq", `the sequence of a message in "${stream}", but it has none at ${seq}`);
    state.messages[seq - 1] = undefined;
  }

  async bounds(stream: string): Promise<{ readonly first: number; readonly last: number }> {
    const held = this.list(stream);
    return { first: held[0]?.seq ?? 0, last: this.#streams.get(stream)?.messages.length ?? 0 };
  }

  async *read(range: ReadRange): AsyncGenerator<RawMessage> {
    const end = range.endSeq ?? this.#streams.get(range.stream)?.messages.length ?? 0;
    for (const message of this.list(range.stream)) {
      if (message.seq > end) return;
      if (range.filter !== undefined && !matchesPattern(message.subject, range.filter)) continue;
      if (range.start !== undefined && ("seq" in range.start ? message.seq < range.start.seq : message.time < range.start.time)) continue;
      yield message;
    }
  }

  #state(stream: string): StreamState {
    let state = this.#streams.get(stream);
    if (state === undefined) {
      state = { messages: [], ids: new Map() };
      this.#streams.set(stream, state);
    }
    return state;
  }
}
