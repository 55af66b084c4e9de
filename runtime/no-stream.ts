import { ContractError } from "./errors.js";

/**
 * Thrown when an event is published on a subject that no stream of the topology holds, on either
 * bus: the in-memory bus has only the topology's streams; on JetStream, an event whose contract is on
 * no declared stream fails at once when no stream of the server answers either, instead of being
 * retried as a stream that is not there yet would be.
 */
export class NoStreamError extends ContractError {
  constructor(subject: string, options?: ErrorOptions) {
    super(`no stream of the topology holds "${subject}"; declare one in the spec's x-evc-jetstream`, options);
    this.name = "NoStreamError";
  }
}
