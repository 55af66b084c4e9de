/**
 * What a stream's retention policy forbids, the same on both buses. A `workqueue` stream gives
 * each event to one consumer and removes it once acknowledged: JetStream refuses a second consumer
 * whose subjects overlap another's, and any reader beside its consumers (an ordered consumer), so
 * history, the event store and replies cannot read it. An `interest` stream keeps an event only
 * while a consumer that wants it has not acknowledged it.
 */
import { ContractError } from "./errors.js";

/** Thrown when a subscription would be a second consumer of the same subjects of a `workqueue` stream. */
export class WorkQueueConsumerError extends ContractError {
  readonly stream: string;
  readonly durable: string;

  constructor(stream: string, durable: string, options?: ErrorOptions) {
    super(
      `stream "${stream}" has workqueue retention: each of its events goes to one consumer, and another consumer already takes subjects that durable "${durable}" asks for; subscribe under that consumer's durable name (its instances share the work), or declare retention limits or interest in the spec's x-evc-jetstream`,
      options,
    );
    this.name = "WorkQueueConsumerError";
    this.stream = stream;
    this.durable = durable;
  }
}

/** Thrown when a `workqueue` stream is read back (history, the event store, replies): JetStream allows no reader beside its consumers. */
export class StreamNotReadableError extends ContractError {
  readonly stream: string;

  constructor(stream: string, options?: ErrorOptions) {
    super(
      `stream "${stream}" has workqueue retention: JetStream removes each event once a consumer acknowledges it and lets nothing else read the stream, so it cannot be read back; declare retention limits (or interest) in the spec's x-evc-jetstream to read its events`,
      options,
    );
    this.name = "StreamNotReadableError";
    this.stream = stream;
  }
}
