/**
 * Creates and updates the JetStream streams the specs declare (`x-evc-jetstream`), their
 * dead-letter streams, the runtime's key-value buckets, and durable consumers. Idempotent: what exists and matches is left alone,
 * what differs in a field JetStream can change is updated, and a difference it cannot change
 * (storage, retention) is refused with an error rather than ignored.
 */
import type { ConsumerConfig, JetStreamClient, JetStreamManager, StreamConfig } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { nanos } from "@nats-io/transport-node";
import { ContractError } from "./errors.js";
import { isNotFound } from "./jetstream-errors.js";
import { bucketSpec, deadLetterLimits, replayOf, type BucketSpec, type JetStreamTopology, type StreamSpec } from "./topology.js";

/** Thrown when a stream exists with a configuration that cannot be brought in line with the specs. */
export class ProvisionError extends ContractError {
  constructor(stream: string, detail: string, options?: ErrorOptions) {
    super(`cannot provision stream "${stream}": ${detail}`, options);
    this.name = "ProvisionError";
  }
}

/** What provisioning did to one stream or consumer. */
export type ProvisionAction = "created" | "updated" | "unchanged";

/** The stream configuration of a spec. */
export function streamConfig(spec: StreamSpec): Partial<StreamConfig> & { name: string } {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    ...(spec.description === undefined ? {} : { description: spec.description }),
    storage: spec.storage,
    num_replicas: spec.replicas,
    retention: spec.retention,
    discard: spec.discard,
    max_age: nanos(spec.maxAgeMs),
    max_msgs: spec.maxMsgs,
    max_bytes: spec.maxBytes,
    duplicate_window: nanos(spec.duplicateWindowMs),
  };
}

/** The configuration of a stream's dead-letter stream. */
export function deadLetterConfig(spec: StreamSpec): Partial<StreamConfig> & { name: string } {
  const limits = deadLetterLimits(spec);
  return {
    name: spec.deadLetter.stream,
    subjects: [`${spec.deadLetter.subjectPrefix}.>`],
    description: `Dead letters of ${spec.name}: messages its consumers could not handle, with why.`,
    storage: spec.storage,
    num_replicas: spec.replicas,
    retention: limits.retention,
    discard: limits.discard,
    max_age: nanos(limits.maxAgeMs),
    duplicate_window: nanos(limits.duplicateWindowMs),
  };
}

/** The configuration of a stream's replay stream: kept like its dead letters. */
export function replayConfig(spec: StreamSpec): Partial<StreamConfig> & { name: string } {
  const replay = replayOf(spec);
  return {
    ...deadLetterConfig(spec),
    name: replay.stream,
    subjects: [`${replay.subjectPrefix}.>`],
    description: `Replayed dead letters of ${spec.name}, each on the subject of the one consumer it is for.`,
  };
}

/** What a bucket declares of its stream, `KV_<name>`; the KV client sets the rest. */
export function bucketStreamConfig(spec: BucketSpec): Partial<StreamConfig> & { name: string } {
  return {
    name: `KV_${spec.name}`,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    storage: spec.storage,
    num_replicas: spec.replicas,
    max_msgs_per_subject: spec.history,
    max_age: nanos(spec.ttlMs),
    max_bytes: spec.maxBytes,
    max_msg_size: spec.maxValueBytes,
  };
}

/**
 * Open one of the runtime's buckets as the topology declares it (`bucketSpec`): created when
 * missing, its replicas, history and limits brought in line when it exists with others.
 */
export async function ensureBucket(js: JetStreamClient, jsm: JetStreamManager, topology: JetStreamTopology, name: string): Promise<KV> {
  const spec = bucketSpec(topology, name);
  const kv = await new Kvm(js).create(name, {
    ...(spec.description === undefined ? {} : { description: spec.description }),
    storage: spec.storage,
    replicas: spec.replicas,
    history: spec.history,
    ttl: spec.ttlMs,
    max_bytes: spec.maxBytes,
    maxValueSize: spec.maxValueBytes,
  });
  await ensureStream(jsm, bucketStreamConfig(spec));
  return kv;
}

const immutable = ["storage", "retention"] as const;
const mutable = ["subjects", "description", "num_replicas", "discard", "max_age", "max_msgs", "max_bytes", "duplicate_window", "max_msgs_per_subject", "max_msg_size"] as const;

/** Create or update one stream; returns what it did. */
export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<ProvisionAction> {
  let current: StreamConfig;
  try {
    current = (await jsm.streams.info(config.name)).config;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(config);
    return "created";
  }
  for (const field of immutable) {
    if (config[field] !== undefined && current[field] !== config[field]) {
      throw new ProvisionError(config.name, `its ${field} is "${current[field]}" but the specs say "${config[field]}"; JetStream cannot change it in place`);
    }
  }
  const changed = mutable.filter((field) => config[field] !== undefined && JSON.stringify(current[field]) !== JSON.stringify(config[field]));
  if (changed.length === 0) return "unchanged";
  await jsm.streams.update(config.name, { ...current, ...config });
  return "updated";
}

/** Create or update every stream of a topology, its dead-letter stream and its replay stream. */
export async function ensureTopology(jsm: JetStreamManager, topology: JetStreamTopology): Promise<Map<string, ProvisionAction>> {
  const actions = new Map<string, ProvisionAction>();
  for (const spec of topology.streams) {
    actions.set(spec.name, await ensureStream(jsm, streamConfig(spec)));
    actions.set(spec.deadLetter.stream, await ensureStream(jsm, deadLetterConfig(spec)));
    const replay = replayConfig(spec);
    actions.set(replay.name, await ensureStream(jsm, replay));
  }
  return actions;
}

/** Create or update a durable consumer. */
export async function ensureConsumer(jsm: JetStreamManager, stream: string, config: Partial<ConsumerConfig> & { durable_name: string }): Promise<ProvisionAction> {
  let current: ConsumerConfig;
  try {
    current = (await jsm.consumers.info(stream, config.durable_name)).config;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(stream, config);
    return "created";
  }
  const fields = Object.keys(config) as (keyof ConsumerConfig)[];
  const changed = fields.filter((field) => field !== "deliver_policy" && JSON.stringify(current[field]) !== JSON.stringify(config[field]));
  if (changed.length === 0) return "unchanged";
  const { deliver_policy: _policy, durable_name: _name, ...update } = config;
  await jsm.consumers.update(stream, config.durable_name, update);
  return "updated";
}

