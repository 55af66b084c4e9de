/** JetStream API errors the runtime reacts to, recognised by the client's error codes (`JetStreamApiCodes`). */
import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";

function hasCode(error: unknown, ...codes: readonly number[]): boolean {
  return error instanceof JetStreamApiError && codes.includes(error.code);
}

/**
 * True when a publish (or a KV create or update) was refused because the subject had moved past
 * the expected sequence: 10071, or 10164 with which newer servers answer when the last sequence
 * is not known yet (a concurrent expected-sequence publish).
 */
export function isWrongLastSequence(error: unknown): boolean {
  return hasCode(error, JetStreamApiCodes.StreamWrongLastSequence, JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}

/** True for JetStream's "stream not found" and "consumer not found" errors. */
export function isNotFound(error: unknown): boolean {
  return hasCode(error, JetStreamApiCodes.StreamNotFound, JetStreamApiCodes.ConsumerNotFound);
}

/** JetStream's codes for a consumer that overlaps another on a workqueue stream: filtered (10100) or not (10099). */
const workQueueOverlap = [10_100, 10_099] as const;

/** True when JetStream refused a consumer because it overlaps another on a workqueue stream. */
export function isWorkQueueOverlap(error: unknown): boolean {
  return hasCode(error, ...workQueueOverlap);
}

/** JetStream's code for a message it could not delete; "no message found" when there is none at that sequence (any more). */
const messageDeleteFailed = 10_057;

/** True when a message to delete is not in its stream: deleted already, or never there. */
export function isDeletedAlready(error: unknown): boolean {
  return hasCode(error, messageDeleteFailed) && /no message found|store EOF/.test((error as Error).message);
}

/** True when a stream has no message where one was asked for. */
export function isNoMessageFound(error: unknown): boolean {
  return hasCode(error, JetStreamApiCodes.NoMessageFound);
}

/** JetStream's code for a message its stream did not store: among other reasons, a full stream that declares `discard: new`. */
const streamStoreFailed = 10077;

/** What nats-server says with that code when the stream is at one of its limits (the reasons `MemoryStreams` gives too). */
export const streamLimitReasons = {
  messages: "maximum messages exceeded",
  bytes: "maximum bytes exceeded",
  messagesPerSubject: "maximum messages per subject exceeded",
} as const;

const limitReasons: ReadonlySet<string> = new Set(Object.values(streamLimitReasons));

/** True when a publish was refused because its stream is full and refuses new messages (`discard: new`): nothing was stored. */
export function isStreamFull(error: unknown): error is JetStreamApiError {
  return hasCode(error, streamStoreFailed) && limitReasons.has((error as JetStreamApiError).apiError().description);
}
