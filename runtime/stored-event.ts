/**
 * Stored events as readers of the stream see them: the event decoded, validated and upcast to the
 * latest version of its type, with where and when the stream stored it.
 */
import type { EventContract, EventInstance } from "./contract.js";
import { ContractError } from "./errors.js";
import { readHeader } from "./headers.js";
import type { Registry } from "./registry.js";
import { receiveEvent, type Targets } from "./routing.js";
import type { RawMessage } from "./stream-reader.js";

/** The headers the event store writes on each event it appends. */
export const StoreHeader = {
  /** The event's version within its aggregate: 1, 2, 3, ... without gaps. */
  aggregateVersion: "evc-aggregate-version",
  /** The aggregate versions the append the event belongs to runs from and to. */
  appendFirst: "evc-append-first",
  appendLast: "evc-append-last",
} as const;

/** An event read back from its stream. */
export interface StoredEvent<T = EventInstance> {
  /** The event, upcast to the latest version of its type. */
  readonly event: T;
  readonly type: string;
  /** The version the event was stored at, before upcasting. */
  readonly storedVersion: number;
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  /** When the stream stored it. */
  readonly time: Date;
  /** Its version within its aggregate, when the event store appended it. */
  readonly aggregateVersion: number | undefined;
}

/** Thrown when a stored message cannot be read as an event of the registry; `cause` says why. */
export class StoredEventError extends ContractError {
  readonly stream: string;
  readonly seq: number;

  constructor(message: RawMessage, detail: string, options?: ErrorOptions) {
    super(`cannot read "${message.stream}" #${message.seq} on "${message.subject}": ${detail}`, options);
    this.name = "StoredEventError";
    this.stream = message.stream;
    this.seq = message.seq;
  }
}

/** The latest contract of each of the given types. */
export function latestTargets(registry: Registry, types: Iterable<string>): Targets {
  return new Map([...types].map((type) => [type, registry.latest(type) as EventContract]));
}

/**
 * Read a stored message as an event of one of the targets, upcast to the latest version; undefined
 * when its headers name another type. Throws `StoredEventError` when it cannot be read.
 */
export function toStoredEvent<T = EventInstance>(registry: Registry, targets: Targets, message: RawMessage): StoredEvent<T> | undefined {
  let received;
  try {
    received = receiveEvent(registry, targets, message.subject, message.headers, message.data);
  } catch (error) {
    throw new StoredEventError(message, (error as Error).message, { cause: error });
  }
  if (received === undefined) return undefined;
  const version = readHeader(message.headers, StoreHeader.aggregateVersion);
  return {
    event: received.event as T,
    type: received.contract.type,
    storedVersion: received.receivedVersion,
    stream: message.stream,
    seq: message.seq,
    subject: message.subject,
    time: message.time,
    aggregateVersion: version === undefined ? undefined : Number(version),
  };
}
