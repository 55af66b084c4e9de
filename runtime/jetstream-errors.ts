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

/** True when a stream has no message where one was asked for. */
export function isNoMessageFound(error: unknown): boolean {
  return hasCode(error, JetStreamApiCodes.NoMessageFound);
}
