/**
 * NATS subjects of events: building an event's subject from its channel address, matching subjects
 * against wildcards, and matching event types against patterns with the same wildcard rules.
 */
import type { EventContract, JsonObject, SubjectParameter, SubjectTemplate } from "./contract.js";
import { ContractError } from "./errors.js";
import { idProblem } from "./identifiers.js";
import { pointerTokens, valueAtPath } from "./json.js";

/** Thrown when an event's subject cannot be built: a parameter is missing or is not a valid subject token. */
export class SubjectError extends ContractError {
  constructor(type: string, version: number, detail: string) {
    super(`cannot build the subject of "${type}" v${version}: ${detail}`);
    this.name = "SubjectError";
  }
}

/**
 * The subject of an event: its channel address with each `{parameter}` read from the event at the
 * parameter's JSON pointer. A value that is not a non-empty string or number, or that is no valid
 * subject token (`identifiers.ts`: `.`, `*`, `>`, whitespace, control characters, over 256 bytes), is
 * refused: it would change which aggregate the subject names, or break the connection.
 */
export function subjectOf(contract: EventContract, event: JsonObject): string {
  const template = contract.subject;
  if (template === undefined) throw new SubjectError(contract.type, contract.version, "its message is on no channel");
  const { pieces, parameters } = compiledTemplate(template);
  const tokens = new Map<string, string>();
  for (const { parameter, path } of parameters) {
    const value = valueAtPath(event, path);
    if ((typeof value !== "string" && typeof value !== "number") || value === "") {
      throw new SubjectError(contract.type, contract.version, `parameter "${parameter.name}" (${parameter.pointer}) must be a non-empty string or a number, not ${JSON.stringify(value ?? null)}`);
    }
    const token = String(value);
    const problem = idProblem(token, "subject-token");
    if (problem !== undefined) throw new SubjectError(contract.type, contract.version, `parameter "${parameter.name}" (${parameter.pointer}) must be ${problem}`);
    tokens.set(parameter.name, token);
  }
  let subject = "";
  for (const piece of pieces) subject += typeof piece === "string" ? piece : (tokens.get(piece.name) as string);
  return subject;
}

/** A channel address split once into literal text and the `{parameter}`s it names, with each parameter's pointer split into tokens. */
interface CompiledTemplate {
  readonly pieces: readonly (string | { readonly name: string })[];
  readonly parameters: readonly { readonly parameter: SubjectParameter; readonly path: readonly string[] }[];
}

const compiledTemplates = new WeakMap<SubjectTemplate, CompiledTemplate>();

function compiledTemplate(template: SubjectTemplate): CompiledTemplate {
  let compiled = compiledTemplates.get(template);
  if (compiled === undefined) {
    const names = new Set(template.parameters.map((parameter) => parameter.name));
    const pieces = template.address.split(/(\{[^}]*\})/).map((piece) => {
      const name = piece.startsWith("{") && piece.endsWith("}") ? piece.slice(1, -1) : undefined;
      return name !== undefined && names.has(name) ? { name } : piece;
    });
    compiled = { pieces, parameters: template.parameters.map((parameter) => ({ parameter, path: pointerTokens(parameter.pointer) })) };
    compiledTemplates.set(template, compiled);
  }
  return compiled;
}

/** The subject pattern of a channel address: each token holding a `{parameter}` becomes `*`. */
export function subjectPattern(address: string): string {
  return address
    .split(".")
    .map((token) => (/\{[^}]*\}/.test(token) ? "*" : token))
    .join(".");
}

/** The wildcard pattern of the subjects a contract is published on. */
export function contractPattern(template: SubjectTemplate): string {
  return subjectPattern(template.address);
}

/** True when every subject matching `pattern` also matches `covering` (NATS `*` and `>` wildcards). */
export function subjectCovers(covering: string, pattern: string): boolean {
  const outer = covering.split(".");
  const inner = pattern.split(".");
  for (let index = 0; index < outer.length; index++) {
    const token = outer[index];
    if (token === ">") return inner.length > index;
    const other = inner[index];
    if (other === undefined || other === ">") return false;
    if (token !== "*" && token !== other) return false;
  }
  return outer.length === inner.length;
}

/** True when some subject matches both patterns (NATS wildcards: `*` one token, `>` one or more at the end). */
export function patternsOverlap(a: string, b: string): boolean {
  const left = a.split(".");
  const right = b.split(".");
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const mine = left[index];
    const theirs = right[index];
    if (mine === undefined || theirs === undefined) return false;
    if (mine === ">" || theirs === ">") return true;
    if (mine !== "*" && theirs !== "*" && mine !== theirs) return false;
  }
  return true;
}

/**
 * True when a dot-separated name (a subject, or an event type such as `task.created`) matches a
 * pattern with NATS wildcards: `*` one token, `>` one or more at the end. `task.*` and `*.created`
 * match `task.created`; `>` matches everything; `record-created` matches only itself.
 */
export function matchesPattern(name: string, pattern: string): boolean {
  return subjectCovers(pattern, name);
}

/** The narrowest subject filters that catch every message of these contracts on their channels (none for contracts without a channel subject). */
export function contractFilters(contracts: readonly EventContract[]): string[] {
  return coveringPatterns(contracts.flatMap((contract) => (contract.subject === undefined ? [] : [contractPattern(contract.subject)])));
}

/** Of several subject patterns, those that no other one covers (the narrowest set of filters that catches all). */
export function coveringPatterns(patterns: Iterable<string>): string[] {
  const unique = [...new Set(patterns)].sort();
  return unique.filter((pattern) => !unique.some((other) => other !== pattern && subjectCovers(other, pattern)));
}
