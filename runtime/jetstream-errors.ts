/** JetStream API errors the runtime reacts to, recognised by their error codes. */
import { JetStreamApiError } from "@nats-io/jetstream";

/** JetStream's error codes the runtime reacts to. */
const code = {
  /** An expected-last-(subject-)sequence check failed. */
  wrongLastSequence: 10071,
  streamNotFound: 10059,
  consumerNotFound: 10014,
  /** A stream has no message at the sequence (or subject) asked for. */
  noMessageFound: 10037,
} as const;

/** True when a publish (or a KV create or update) was refused because the subject had moved past the expected sequence. */
export function isWrongLastSequence(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === code.wrongLastSequence;
}

/** True for JetStream's "stream not found" and "consumer not found" errors. */
export function isNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === code.streamNotFound || error.code === code.consumerNotFound);
}

/** True when a stream has no message where one was asked for. */
export function isNoMessageFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === code.noMessageFound;
}
