import { ContractError } from "@evc/runtime/errors";

/** Thrown when two schemas cannot be compared: a `$ref` that does not resolve inside its schema, or a comparison too large to finish. */
export class CompatibilityError extends ContractError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "CompatibilityError";
  }
}
