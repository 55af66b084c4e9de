/**
 * Aggregate snapshots in a JetStream key-value bucket: one key per aggregate holding its state at
 * one version, with the stream sequence of the event at that version so a load reads only what
 * follows. Writes are revision-checked and never replace a snapshot with an older one, so writers
 * racing to snapshot the same aggregate keep the newest.
 */
import type { KV } from "@nats-io/kv";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { isWrongLastSequence } from "./jetstream-errors.js";
import { ensureBucket } from "./provision.js";
import type { JetStreamTopology } from "./topology.js";
import { isPlainObject } from "./json.js";

/** The state of an aggregate at one version. */
export interface Snapshot<S = unknown> {
  /** The aggregate version the state is at. */
  readonly version: number;
  readonly state: S;
  /** The version of the state's shape; a snapshot whose shape version differs from the reader's is ignored. */
  readonly stateVersion: number;
  /** The stream sequence of the event at `version`, when known: loads start right after it. */
  readonly seq: number | undefined;
  /** When the snapshot was taken (RFC 3339). */
  readonly takenAt: string;
}

/** Snapshots kept in one KV bucket. */
export class SnapshotStore {
  readonly bucket: string;
  readonly #kv: KV;

  private constructor(bucket: string, kv: KV) {
    this.bucket = bucket;
    this.#kv = kv;
  }

  /** Open the bucket as the topology declares it (`ensureBucket`: one value per key and the streams' replicas by default). */
  static async open(js: JetStreamClient, jsm: JetStreamManager, topology: JetStreamTopology, bucket: string): Promise<SnapshotStore> {
    return new SnapshotStore(bucket, await ensureBucket(js, jsm, topology, bucket));
  }

  /** The snapshot under a key; undefined when there is none or it cannot be read. */
  async load<S>(key: string): Promise<Snapshot<S> | undefined> {
    const entry = await this.#kv.get(key);
    if (entry === null || entry.operation !== "PUT") return undefined;
    return parseSnapshot<S>(entry.string());
  }

  /** Store a snapshot unless the key holds one at the same or a later version; true when stored. */
  async save(key: string, snapshot: Snapshot): Promise<boolean> {
    const data = JSON.stringify(snapshot);
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await this.#kv.get(key);
      const current = entry === null || entry.operation !== "PUT" ? undefined : parseSnapshot(entry.string());
      if (current !== undefined && current.stateVersion === snapshot.stateVersion && current.version >= snapshot.version) return false;
      try {
        if (entry === null) await this.#kv.create(key, data);
        else await this.#kv.update(key, data, entry.revision);
        return true;
      } catch (error) {
        if (!isWrongLastSequence(error)) throw error;
      }
    }
    return false;
  }
}

function parseSnapshot<S>(text: string): Snapshot<S> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(value) || !Number.isInteger(value["version"]) || !Number.isInteger(value["stateVersion"]) || !("state" in value)) return undefined;
  const seq = value["seq"];
  return {
    version: value["version"] as number,
    state: value["state"] as S,
    stateVersion: value["stateVersion"] as number,
    seq: Number.isInteger(seq) ? (seq as number) : undefined,
    takenAt: typeof value["takenAt"] === "string" ? value["takenAt"] : "",
  };
}
