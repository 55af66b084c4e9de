/**
 * Where an aggregate's events live: the one subject every event of the aggregate is published on
 * (`<system>.<aggregateType>.<aggregateId>`, see docs/subjects.md) and the stream holding it,
 * derived from the contracts of the registry. The event store's concurrency check covers exactly
 * this subject, so an aggregate type whose events the specs spread over several subjects is refused.
 */
import type { EventContract } from "./contract.js";
import { ArgumentError, ContractError } from "./errors.js";
import { checkId } from "./identifiers.js";
import type { Registry } from "./registry.js";
import type { Targets } from "./routing.js";
import { latestTargets } from "./stored-event.js";
import { subjectOf } from "./subject.js";

/** Names one aggregate: its type (a literal types the event store's `load`), its id, and the system when several systems have an aggregate type of that name. */
export interface AggregateRef<A extends string = string> {
  readonly aggregateType: A;
  readonly aggregateId: string;
  readonly system?: string;
}

/** The subject and stream of one aggregate, and the event types it has. */
export interface AggregateSubject {
  readonly ref: AggregateRef;
  readonly system: string;
  readonly subject: string;
  readonly stream: string;
  /** Every event type of the aggregate type, at its latest version. */
  readonly targets: Targets;
}

/** Thrown when the specs place an aggregate type's events so that the event store cannot guard them: several subjects, or no stream. */
export class AggregateLayoutError extends ContractError {
  constructor(aggregateType: string, detail: string) {
    super(`the event store cannot hold aggregate type "${aggregateType}": ${detail}`);
    this.name = "AggregateLayoutError";
  }
}

/** Resolves aggregate references against a registry, remembering each aggregate type's contracts. */
export class AggregateSubjects {
  readonly #registry: Registry;
  readonly #byType = new Map<string, { system: string; contract: EventContract; stream: string; targets: Targets }>();

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /** The subject and stream of an aggregate; throws `ArgumentError`, `SubjectError` or `AggregateLayoutError`. */
  resolve(ref: AggregateRef): AggregateSubject {
    checkId("aggregateId", ref.aggregateId, "subject-token");
    const layout = this.#layout(ref.aggregateType, ref.system);
    const subject = subjectOf(layout.contract, { aggregateId: ref.aggregateId });
    return { ref, system: layout.system, subject, stream: layout.stream, targets: layout.targets };
  }

  #layout(aggregateType: string, system: string | undefined) {
    const key = `${system ?? ""}\u0000${aggregateType}`;
    const known = this.#byType.get(key);
    if (known !== undefined) return known;
    const contracts = this.#registry.contracts().filter((contract) => contract.aggregateType === aggregateType && (system === undefined || contract.system === system));
    if (contracts.length === 0) {
      const types = [...new Set(this.#registry.contracts().flatMap((contract) => (contract.aggregateType === undefined ? [] : [contract.aggregateType])))].sort();
      throw new ArgumentError("aggregateType", `an aggregate type of the registry${system === undefined ? "" : ` in system "${system}"`} (${types.join(", ")}), not "${aggregateType}"`);
    }
    const systems = [...new Set(contracts.map((contract) => contract.system))];
    if (systems.length > 1) throw new ArgumentError("system", `one of ${systems.map((name) => `"${name}"`).join(", ")}: aggregate type "${aggregateType}" exists in each`);
    const streams = [...new Set(contracts.map((contract) => contract.stream))];
    if (streams.length !== 1 || streams[0] === undefined) {
      throw new AggregateLayoutError(aggregateType, `its events must all be on one declared stream, but they are on ${streams.map((stream) => stream ?? "no stream").join(", ")}`);
    }
    const declared = this.#registry.stream(streams[0]);
    if (declared?.eventSourced.includes(aggregateType) !== true) {
      throw new AggregateLayoutError(aggregateType, `it is not event-sourced: list it under x-evc-jetstream.streams.${streams[0]}.eventSourced in ${(contracts[0] as EventContract).specFile}, so that the event store is the one writer of its events and a plain publish of them is refused`);
    }
    for (const contract of contracts) {
      const foreign = contract.subject?.parameters.find((parameter) => parameter.pointer !== "/aggregateId");
      if (contract.subject === undefined || foreign !== undefined) {
        throw new AggregateLayoutError(aggregateType, `the subject of "${contract.type}" v${contract.version} must be built from the aggregate id alone${foreign === undefined ? "" : `, but it reads "${foreign.name}" from ${foreign.pointer}`}`);
      }
    }
    const addresses = [...new Set(contracts.map((contract) => contract.subject?.address))];
    if (addresses.length > 1) {
      throw new AggregateLayoutError(aggregateType, `its events are on several subjects (${addresses.join(", ")}); the concurrency check covers one subject, so every event of an aggregate must be on one (docs/subjects.md)`);
    }
    const layout = { system: systems[0] as string, contract: contracts[0] as EventContract, stream: streams[0], targets: latestTargets(this.#registry, new Set(contracts.map((contract) => contract.type))) };
    this.#byType.set(key, layout);
    return layout;
  }
}
