/**
 * What the studio's pages read from JetStream besides the live events: streams and their consumers
 * with their counts, dead letters with their reasons and headers, and replaying them. Everything
 * goes through the studio's own connection, so it shows only what its credentials may read.
 */
import { ArgumentError, type DeadLetter, type EventBus, listDeadLetters, replayDeadLetter } from "@evc/runtime";

/** A consumer of a stream and its counts. */
export interface ConsumerView {
  readonly name: string;
  /** False for an ephemeral consumer (an ordered one of `evc tail` or the studio's live view). */
  readonly durable: boolean;
  readonly pending: number;
  readonly ackPending: number;
  readonly redelivered: number;
  readonly delivered: number;
}

/** A stream, its counts and its consumers; `error` says why it could not be read. */
export interface StreamView {
  readonly name: string;
  readonly kind: "events" | "dead letters";
  readonly messages: number;
  readonly bytes: number;
  readonly consumerCount: number;
  readonly consumers: readonly ConsumerView[];
  readonly error: string | undefined;
}

/** A dead letter as the page shows it. */
export interface DeadLetterView extends Omit<DeadLetter, "headers" | "payload"> {
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: string;
}

/** The dead letters of one dead-letter stream, or why they could not be read. */
export interface DeadLetterStreamView {
  readonly stream: string;
  readonly letters: readonly DeadLetterView[];
  readonly error: string | undefined;
}

/** The outcome of replaying one dead letter. */
export interface ReplayOutcome {
  readonly seq: number;
  /** Its new sequence in the original stream, when it was replayed. */
  readonly republishedAs: number | undefined;
  readonly error: string | undefined;
}

/** Every stream of the registry's topology and its dead-letter stream, with their consumers. */
export async function readStreams(bus: EventBus): Promise<StreamView[]> {
  const names = bus.registry.topology.streams.flatMap((stream) => [
    { name: stream.name, kind: "events" as const },
    { name: stream.deadLetter.stream, kind: "dead letters" as const },
  ]);
  return Promise.all(
    names.map(async ({ name, kind }) => {
      try {
        const info = await bus.manager.streams.info(name);
        const consumers: ConsumerView[] = [];
        for await (const consumer of bus.manager.consumers.list(name)) {
          consumers.push({
            name: consumer.name,
            durable: consumer.config.durable_name !== undefined,
            pending: consumer.num_pending,
            ackPending: consumer.num_ack_pending,
            redelivered: consumer.num_redelivered,
            delivered: consumer.delivered.stream_seq,
          });
        }
        return { name, kind, messages: info.state.messages, bytes: info.state.bytes, consumerCount: info.state.consumer_count, consumers, error: undefined };
      } catch (error) {
        return { name, kind, messages: 0, bytes: 0, consumerCount: 0, consumers: [], error: (error as Error).message };
      }
    }),
  );
}

/** The dead letters of every dead-letter stream, oldest first, at most `limit` each. */
export async function readDeadLetters(bus: EventBus, limit: number): Promise<DeadLetterStreamView[]> {
  return Promise.all(
    deadLetterStreams(bus).map(async (stream) => {
      try {
        const letters = await listDeadLetters(bus.manager, stream, limit);
        return { stream, letters: letters.map(toView), error: undefined };
      } catch (error) {
        return { stream, letters: [], error: (error as Error).message };
      }
    }),
  );
}

/** Replay dead letters of one dead-letter stream, one after the other; each outcome says what happened. */
export async function replayDeadLetters(bus: EventBus, stream: string, seqs: readonly number[]): Promise<ReplayOutcome[]> {
  const known = deadLetterStreams(bus);
  if (!known.includes(stream)) throw new ArgumentError("stream", `one of ${known.join(", ")}, not "${stream}"`);
  const outcomes: ReplayOutcome[] = [];
  for (const seq of seqs) {
    try {
      outcomes.push({ seq, republishedAs: (await replayDeadLetter(bus, stream, seq)).seq, error: undefined });
    } catch (error) {
      outcomes.push({ seq, republishedAs: undefined, error: (error as Error).message });
    }
  }
  return outcomes;
}

function deadLetterStreams(bus: EventBus): string[] {
  return bus.registry.topology.streams.map((stream) => stream.deadLetter.stream);
}

function toView(letter: DeadLetter): DeadLetterView {
  const { headers, payload, ...rest } = letter;
  return {
    ...rest,
    headers: Object.fromEntries([...headers].map(([name, values]) => [name, values.join(", ")])),
    payload: new TextDecoder().decode(payload),
  };
}
