/** One message of a stream as the live view shows it: decoded and upcast, or the reason it could not be. */
import type { JsMsg } from "@nats-io/jetstream";
import { announcedType, receiveEvent, type Registry, type Targets } from "@evc/runtime";
import { isPlainObject } from "@evc/runtime/codegen";

/** A row of the live view. */
export interface LiveEvent {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
  /** When the stream stored it (ISO 8601). */
  readonly storedAt: string;
  readonly id: string | undefined;
  readonly type: string | undefined;
  readonly aggregateId: string | undefined;
  /** The version it was published as. */
  readonly publishedAs: number | undefined;
  /** The version the studio decoded it to: the latest of its type, through the upcasters. */
  readonly decodedTo: number | undefined;
  /** The decoded event, as JSON. */
  readonly payload: unknown;
  /** Why it could not be decoded, if it could not. */
  readonly error: string | undefined;
}

/** Decode a stream message for the live view; never throws: a message that fails carries its error. */
export function toLiveEvent(registry: Registry, targets: Targets, message: JsMsg): LiveEvent {
  const base = { stream: message.info.stream, seq: message.info.streamSequence, subject: message.subject, storedAt: new Date(Math.floor(message.info.timestampNanos / 1e6)).toISOString() };
  try {
    const received = receiveEvent(registry, targets, message.subject, message.headers, message.data);
    if (received === undefined) throw new Error("its type is not in the registry");
    const payload = (received.event as { toJSON(): unknown }).toJSON();
    const fields = isPlainObject(payload) ? payload : {};
    return {
      ...base,
      id: text(fields["id"]),
      type: received.contract.type,
      aggregateId: text(fields["aggregateId"]),
      publishedAs: received.receivedVersion,
      decodedTo: received.contract.version,
      payload,
      error: undefined,
    };
  } catch (error) {
    const announced = announcedType(message.headers);
    return {
      ...base,
      id: undefined,
      type: announced?.type,
      aggregateId: undefined,
      publishedAs: announced?.version,
      decodedTo: undefined,
      payload: new TextDecoder().decode(message.data.subarray(0, 4096)),
      error: (error as Error).message,
    };
  }
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
