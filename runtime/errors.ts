import type { ErrorObject } from "ajv";

const contractErrorBrand = Symbol.for("evc.ContractError");

/** Base class of every error this toolkit throws on purpose; the underlying error, if any, stays as `cause`. */
export class ContractError extends Error {
  /** Marks instances across package copies, where `instanceof` would fail (the dual-package hazard). */
  readonly [contractErrorBrand] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ContractError";
  }
}

/** Tell whether a value is an error thrown by this toolkit, whichever copy of the package created it. */
export function isContractError(error: unknown): error is ContractError {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[contractErrorBrand] === true;
}

/** How many issues a message names; the rest are counted (a message may end up in a header). */
const issuesNamed = 10;

/** Render ajv issues as `"/path must …"` phrases joined by "; ": the first ten, then how many more. */
export function formatIssues(issues: readonly ErrorObject[]): string {
  if (issues.length === 0) return "does not match its schema";
  const rest = issues.length - issuesNamed;
  const named = issues
    .slice(0, issuesNamed)
    .map((issue) => {
      const path = issue.instancePath === "" ? "/" : issue.instancePath;
      const extra =
        issue.keyword === "additionalProperties"
          ? ` ("${String((issue.params as { additionalProperty?: unknown }).additionalProperty)}")`
          : issue.keyword === "enum"
            ? ` (${JSON.stringify((issue.params as { allowedValues?: unknown }).allowedValues)})`
            : issue.keyword === "const"
              ? ` (${JSON.stringify((issue.params as { allowedValue?: unknown }).allowedValue)})`
              : "";
      return `${path} ${issue.message ?? `fails "${issue.keyword}"`}${extra}`;
    })
    .join("; ");
  return rest > 0 ? `${named}; and ${rest.toLocaleString("en-US")} more issues` : named;
}

/** Thrown when an event does not match the JSON Schema of its type and version; `issues` are ajv's, with JSON paths. */
export class ValidationError extends ContractError {
  readonly type: string;
  readonly version: number;
  readonly issues: readonly ErrorObject[];

  constructor(type: string, version: number, issues: readonly ErrorObject[], options?: ErrorOptions) {
    super(`invalid "${type}" v${version}: ${formatIssues(issues)}`, options);
    this.name = "ValidationError";
    this.type = type;
    this.version = version;
    this.issues = issues;
  }
}

/** Thrown when a type, or a version of it, is not in the registry. */
export class UnknownEventError extends ContractError {
  readonly type: string;
  readonly version: number | undefined;

  constructor(type: string, version?: number, known?: readonly number[], options?: ErrorOptions) {
    const which = version === undefined ? `"${type}"` : `"${type}" v${version}`;
    const newest = known === undefined ? undefined : Math.max(...known);
    const hint =
      known === undefined || known.length === 0
        ? "no such event type in the registry"
        : version !== undefined && newest !== undefined && version > newest
          ? `v${version} is newer than this SDK knows (${known.length === 1 ? `only v${newest}` : `v${Math.min(...known)}..v${newest}`}); it cannot be read without its schema: regenerate the SDK from specs that declare it`
          : `the registry knows versions ${known.join(", ")}`;
    super(`unknown event ${which}: ${hint}`, options);
    this.name = "UnknownEventError";
    this.type = type;
    this.version = version;
  }
}

/** What the errors of bringing an event from one version to another have in common. */
export abstract class VersionChangeError extends ContractError {
  readonly type: string;
  readonly fromVersion: number;
  readonly toVersion: number;

  constructor(message: string, type: string, fromVersion: number, toVersion: number, options?: ErrorOptions) {
    super(message, options);
    this.type = type;
    this.fromVersion = fromVersion;
    this.toVersion = toVersion;
  }
}

/** Thrown when an event cannot be brought from one version to a newer one. */
export class UpcastError extends VersionChangeError {
  constructor(type: string, fromVersion: number, toVersion: number, detail: string, options?: ErrorOptions) {
    super(`cannot upcast "${type}" v${fromVersion} to v${toVersion}: ${detail}`, type, fromVersion, toVersion, options);
    this.name = "UpcastError";
  }
}

/** Thrown when an event of a newer version cannot be read as the older version a consumer asks for. */
export class DowncastError extends VersionChangeError {
  constructor(type: string, fromVersion: number, toVersion: number, detail: string, options?: ErrorOptions) {
    super(`cannot read "${type}" v${fromVersion} as v${toVersion}: ${detail}`, type, fromVersion, toVersion, options);
    this.name = "DowncastError";
  }
}

/** Thrown when a message body cannot be read as the event its headers announce. */
export class DecodeError extends ContractError {
  readonly subject: string;

  constructor(subject: string, detail: string, options?: ErrorOptions) {
    super(`cannot decode message on "${subject}": ${detail}`, options);
    this.name = "DecodeError";
    this.subject = subject;
  }
}

/** Thrown when a function is called with an argument it cannot use; the message says what was expected. */
export class ArgumentError extends ContractError {
  readonly argument: string;

  constructor(argument: string, expected: string, options?: ErrorOptions) {
    super(`invalid argument "${argument}": ${expected}`, options);
    this.name = "ArgumentError";
    this.argument = argument;
  }
}
