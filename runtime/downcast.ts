/**
 * Rolling upgrades: a consumer pinned to an older version reads events of a newer one as the
 * version it asked for, one version at a time. Version N becomes N-1 when the generator found N
 * readable by N-1 readers (`readableByPrevious`), or when N declares a downcast: the declared
 * downcast runs first, then every field N-1 does not declare is dropped (`projectOnto`), and the
 * result must be a valid N-1. Anything else cannot be read, and `DowncastError` says why.
 */
import type { EventContract, JsonObject } from "./contract.js";
import { DowncastError, formatIssues, UnknownEventError } from "./errors.js";
import { projectOnto } from "./projection.js";
import { withOwn } from "./json.js";
import type { Registry } from "./registry.js";

/** Bring the JSON of `type` v`from` to v`to`, up the upcast chain or down the downcast chain; throws `UpcastError`, `DowncastError` or `UnknownEventError`. */
export function convertVersion(registry: Registry, json: JsonObject, type: string, from: number, to: number): JsonObject {
  if (from === to) return json;
  return from < to ? registry.upcast(json, type, from, to) : downcast(registry, json, type, from, to);
}

/** Bring the JSON of `type` v`from` down to the older v`to`, validating each step's result; throws `DowncastError` or `UnknownEventError`. */
export function downcast(registry: Registry, json: JsonObject, type: string, from: number, to: number): JsonObject {
  const known = registry.versions(type).map((contract) => contract.version);
  if (registry.get(type, from) === undefined) throw new UnknownEventError(type, from, known);
  if (registry.get(type, to) === undefined) throw new UnknownEventError(type, to, known);
  let current = json;
  for (let version = from; version > to; version--) {
    current = downcastStep(registry.get(type, version) as EventContract, registry.get(type, version - 1) as EventContract, current, from, to);
  }
  return current;
}

function downcastStep(contract: EventContract, previous: EventContract, json: JsonObject, from: number, to: number): JsonObject {
  const fail = (detail: string, cause?: unknown) => new DowncastError(contract.type, from, to, detail, cause === undefined ? undefined : { cause });
  if (contract.downcast === undefined && contract.readableByPrevious !== true) {
    throw fail(`v${contract.version} is not readable by v${previous.version} readers (it breaks FORWARD compatibility) and declares no downcast; declare x-evc.downcast on v${contract.version}, or subscribe at v${contract.version}`);
  }
  let shaped = json;
  if (contract.downcast !== undefined) {
    try {
      shaped = contract.downcast(json);
    } catch (error) {
      throw fail(`the downcast of v${contract.version} to v${previous.version} failed: ${error instanceof Error ? error.message : String(error)}`, error);
    }
  }
  const projected = projectOnto(previous.schema, shaped) as JsonObject;
  const result = previous.envelope ? withOwn(projected, "version", previous.version) : projected;
  if (!previous.validate(result)) throw fail(`the result is not a valid v${previous.version}: ${formatIssues(previous.validate.errors ?? [])}`);
  return result;
}
