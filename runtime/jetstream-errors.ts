/** JetStream API errors the runtime reacts to, recognised by their error codes. */
import { JetStreamApiError } from "@nats-io/jetstream";

/** JetStream's code for "wrong last sequence": an expected-last-(subject-)sequence check failed. */
const wrongLastSequence = 10071;

/** True when a publish (or a KV create or update) was refused because the subject had moved past the expected sequence. */
export function isWrongLastSequence(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === wrongLastSequence;
}
