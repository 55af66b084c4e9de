/**
 * The JetStream topology that a spec declares under `x-evc-jetstream`: streams, their dead-letter
 * streams, the defaults of consumers on them, and the runtime's key-value buckets. The generator validates the extension, turns durations into
 * milliseconds and emits this shape into the registry.
 */

/** One JetStream stream, as declared in a spec (durations in milliseconds). */
export interface StreamSpec {
  /** Stream name, e.g. `LATECHFORCE`. */
  readonly name: string;
  /** Subjects the stream captures, e.g. `["latechforce.>"]`. */
  readonly subjects: readonly string[];
  readonly description: string | undefined;
  readonly storage: "file" | "memory";
  readonly replicas: number;
  readonly retention: "limits" | "interest" | "workqueue";
  readonly discard: "old" | "new";
  /** Oldest message age kept, 0 for unlimited. */
  readonly maxAgeMs: number;
  /** Messages kept, -1 for unlimited. */
  readonly maxMsgs: number;
  /** Bytes kept, -1 for unlimited. */
  readonly maxBytes: number;
  /** Window in which JetStream drops a repeated `Nats-Msg-Id`. */
  readonly duplicateWindowMs: number;
  /** Aggregate types of this stream that are event-sourced: only the event store writes their events, and a plain publish of them is refused. */
  readonly eventSourced: readonly string[];
  /** Stream that receives what this stream's consumers cannot handle. */
  readonly deadLetter: DeadLetterSpec;
  /** Defaults for durable consumers on this stream. */
  readonly consumer: ConsumerDefaults;
}

/** The dead-letter stream of one event stream. */
export interface DeadLetterSpec {
  readonly stream: string;
  /** Subject prefix of dead letters; a dead letter of subject `s` is stored on `<prefix>.s`. */
  readonly subjectPrefix: string;
  readonly maxAgeMs: number;
  /** What failures of each category lead to, in the order declared; absent in SDKs generated before categories. */
  readonly policies?: readonly FailurePolicy[];
}

/**
 * The policy of one failure category on a stream (seed 004's DLQ policies by category). A failure
 * is in a category when the handler's `PermanentFailure` or `TransientFailure` names it, else when
 * its event type is one of the category's `events`.
 */
export interface FailurePolicy {
  readonly category: string;
  /** Event types (or patterns over them) whose failures fall in this category when the error names none. */
  readonly events: readonly string[];
  /** Retry (then dead-letter), dead-letter at once, or discard at once (no dead letter). */
  readonly onFailure: "retry" | "dead-letter" | "discard";
  /** Deliveries before a retried failure is dead-lettered; absent for the consumer's. */
  readonly maxDeliver?: number;
  /** Delays between retries (the last repeats); absent for the consumer's. */
  readonly backoffMs?: readonly number[];
}

/** The limits of a stream, as a `StreamSpec` declares them (a stream spec is one). */
export type StreamLimits = Pick<StreamSpec, "duplicateWindowMs" | "maxAgeMs" | "maxMsgs" | "maxBytes" | "discard" | "retention">;

/** The limits of a stream's dead-letter and replay streams: its duplicate window and the dead letters' maximum age; old ones go first. */
export function deadLetterLimits(spec: StreamSpec): StreamLimits {
  return { duplicateWindowMs: spec.duplicateWindowMs, maxAgeMs: spec.deadLetter.maxAgeMs, maxMsgs: -1, maxBytes: -1, discard: "old", retention: "limits" };
}

/**
 * Where replayed dead letters of a stream wait for the one consumer each is for: a stream of its
 * own, derived from the dead-letter stream, with a subject per durable consumer.
 */
export interface ReplaySpec {
  /** `<dead-letter stream>_REPLAY`. */
  readonly stream: string;
  /** `replay.<dead-letter subject prefix>`: a replay for durable `d` of a message from subject `s` is on `<prefix>.d.s`. */
  readonly subjectPrefix: string;
}

/** The replay stream of a stream. */
export function replayOf(spec: StreamSpec): ReplaySpec {
  return { stream: `${spec.deadLetter.stream}_REPLAY`, subjectPrefix: `replay.${spec.deadLetter.subjectPrefix}` };
}

/** Defaults for the durable consumers the runtime creates. */
export interface ConsumerDefaults {
  /** Time the server waits for an ack before it redelivers. */
  readonly ackWaitMs: number;
  /** Deliveries before a failing message is dead-lettered. */
  readonly maxDeliver: number;
  /** Delays between redeliveries of a failing message; the last one repeats. */
  readonly backoffMs: readonly number[];
  /** Unacknowledged messages a consumer may hold at once. */
  readonly maxAckPending: number;
}

/** A key-value bucket of the runtime (`evc-snapshots`, `evc-sagas`), as declared in a spec (durations in milliseconds). */
export interface BucketSpec {
  /** Bucket name, e.g. `evc-sagas`; its stream is `KV_<name>`. */
  readonly name: string;
  readonly description: string | undefined;
  readonly storage: "file" | "memory";
  readonly replicas: number;
  /** Values kept per key. */
  readonly history: number;
  /** How long a value is kept, 0 for ever. */
  readonly ttlMs: number;
  /** Bytes kept, -1 for unlimited. */
  readonly maxBytes: number;
  /** The largest value, in bytes, -1 for unlimited. */
  readonly maxValueBytes: number;
}

/** Everything `x-evc-jetstream` declares across all specs. */
export interface JetStreamTopology {
  readonly streams: readonly StreamSpec[];
  /** The buckets the specs declare; a bucket they do not declare gets `bucketSpec`'s defaults. */
  readonly buckets: readonly BucketSpec[];
}

/** The default replicas of the runtime's key-value buckets (snapshots, saga records): as many as the most replicated stream, so that they survive what the events survive. */
export function bucketReplicas(topology: Pick<JetStreamTopology, "streams">): number {
  return Math.max(1, ...topology.streams.map((stream) => stream.replicas));
}

/** A bucket as the topology declares it, or else one value per key, on file, kept for ever, with `bucketReplicas` copies. */
export function bucketSpec(topology: JetStreamTopology, name: string): BucketSpec {
  return (
    topology.buckets.find((bucket) => bucket.name === name) ?? {
      name,
      description: undefined,
      storage: "file",
      replicas: bucketReplicas(topology),
      history: 1,
      ttlMs: 0,
      maxBytes: -1,
      maxValueBytes: -1,
    }
  );
}
