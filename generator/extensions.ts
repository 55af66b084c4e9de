/**
 * The spec extensions of evc: `x-evc` on a message (version, compatibility, upcast, downcast) and
 * `x-evc-jetstream` at a document's root (streams, dead letters and their policies by failure
 * category, consumer defaults, buckets). Both are checked against their JSON Schemas (`own-schemas.ts`,
 * precompiled by the build) and normalised into the model's shapes.
 */
import type { ErrorObject } from "ajv";
import { escapePointerToken, type CompatibilityMode, type JsonValue, type UpcastStep } from "@evc/runtime/codegen";
import type { BucketSpec, ConsumerDefaults, FailurePolicy, StreamSpec } from "@evc/runtime";
import type { UpcastModel } from "./model.js";
import { durationMs } from "./duration.js";
import { jetStreamExtension, messageExtension } from "./own-schemas.js";
import { precompiledValidator } from "./precompiled-validators.js";

/** A problem in an extension: what is wrong and the JSON pointer below the extension where it is. */
export interface ExtensionProblem {
  readonly pointer: string;
  readonly message: string;
}

/** What reading an extension gives: its normalised value, or what is wrong with it. */
export type ExtensionResult<T> = { readonly value: T } | { readonly problems: readonly ExtensionProblem[] };

/** What reading `x-evc` gives: a value (defaults where the extension is broken, so that one mistake does not cascade) and its problems. */
export interface MessageExtensionResult {
  readonly value: MessageExtension;
  readonly problems: readonly ExtensionProblem[];
}

/** `x-evc` normalised: defaults applied. */
export interface MessageExtension {
  readonly version: number;
  readonly compatibility: CompatibilityMode;
  readonly upcast: UpcastModel;
  /** The declared downcast towards the previous version (`x-evc.downcast`): steps, a hand-written function, or none. */
  readonly downcast: UpcastModel;
}

/** Check and normalise the `x-evc` of a message (undefined when the message has none); `defaultMode` applies when it declares no compatibility. */
export function readMessageExtension(value: unknown, defaultMode: CompatibilityMode = "BACKWARD"): MessageExtensionResult {
  if (value === undefined) return { value: { version: 1, compatibility: defaultMode, upcast: { kind: "none" }, downcast: { kind: "none" } }, problems: [] };
  const validate = precompiledValidator(messageExtension.name);
  if (!validate(value)) {
    // The version meant, where it can be read (`"2"`), so that the one mistake is not echoed as a duplicate v1.
    const raw = (value as { version?: unknown } | null)?.version;
    const meant = typeof raw === "string" && /^[1-9][0-9]*$/.test(raw.trim()) ? Number(raw) : raw;
    const version = Number.isInteger(meant) && (meant as number) >= 1 ? (meant as number) : 1;
    const fallback: MessageExtension = { version, compatibility: defaultMode, upcast: { kind: version > 1 ? "function" : "none" }, downcast: { kind: "none" } };
    return { value: fallback, problems: problems(validate.errors) };
  }
  const extension = value as { version?: number; compatibility?: CompatibilityMode; upcast?: "function" | RawStep[]; downcast?: "function" | "inverse" | RawStep[] };
  const upcast = conversionOf(extension.upcast);
  const downcast = extension.downcast === "inverse" ? inverseOf(upcast) : conversionOf(extension.downcast);
  return {
    value: {
      version: extension.version ?? 1,
      compatibility: extension.compatibility ?? defaultMode,
      upcast,
      downcast: typeof downcast === "string" ? { kind: "none" } : downcast,
    },
    problems: typeof downcast === "string" ? [{ pointer: "/downcast", message: downcast }] : [],
  };
}

/** The upcast's steps undone, last first (a move moved back, a default dropped); what makes that impossible when it is. */
function inverseOf(upcast: UpcastModel): UpcastModel | string {
  if (upcast.kind !== "steps") return `/downcast cannot be "inverse": the upcast is ${upcast.kind === "function" ? "a hand-written function" : "not declared"}; write the downcast steps or "function"`;
  const lossy = upcast.steps.findIndex((step) => step.op === "drop");
  if (lossy >= 0) return `/downcast cannot be "inverse": upcast step ${lossy + 1} drops a value no step can bring back; write the downcast steps or "function"`;
  const steps = [...upcast.steps].reverse().map((step): UpcastStep => (step.op === "default" ? { op: "drop", path: step.path } : step.op === "drop" ? step : { op: "move", from: step.to, to: step.from }));
  return { kind: "steps", steps };
}

/** What a document's `x-evc-jetstream` declares, defaults applied. */
export interface JetStreamExtension {
  readonly streams: StreamSpec[];
  readonly buckets: BucketSpec[];
}

/** Check and normalise a document's `x-evc-jetstream` into stream and bucket specs, defaults applied. */
export function readJetStreamExtension(value: unknown): ExtensionResult<JetStreamExtension> {
  const validate = precompiledValidator(jetStreamExtension.name);
  if (!validate(value)) return { problems: problems(validate.errors) };
  const { streams, buckets = {} } = value as { streams: Record<string, RawStream>; buckets?: Record<string, RawBucket> };
  const streamReplicas = Math.max(...Object.values(streams).map((raw) => raw.replicas ?? 1));
  const limits = [
    ...Object.entries(streams).flatMap(([name, raw]) => [...limitProblems(name, raw), ...policyProblems(name, raw)]),
    ...Object.entries(buckets).flatMap(([name, raw]) => bucketProblems(name, raw, streams)),
  ];
  if (limits.length > 0) return { problems: limits };
  const byName = <T>(entries: [string, T][]) => entries.sort(([a], [b]) => a.localeCompare(b));
  return {
    value: {
      streams: byName(Object.entries(streams)).map(([name, raw]) => toStreamSpec(name, raw)),
      buckets: byName(Object.entries(buckets)).map(([name, raw]) => toBucketSpec(name, raw, streamReplicas)),
    },
  };
}

/**
 * What is wrong with a bucket's limits: fewer replicas than a stream of the document (the
 * snapshots and saga records would not survive what the events survive), and a `maxBytes` that
 * cannot hold one value of `maxValueBytes`.
 */
function bucketProblems(name: string, raw: RawBucket, streams: Record<string, RawStream>): ExtensionProblem[] {
  const found: ExtensionProblem[] = [];
  const [stream, replicas] = Object.entries(streams)
    .map(([streamName, stream]) => [streamName, stream.replicas ?? 1] as const)
    .reduce((most, next) => (next[1] > most[1] ? next : most));
  if (raw.replicas !== undefined && raw.replicas < replicas) {
    found.push({ pointer: `/buckets/${name}/replicas`, message: `replicas ${raw.replicas} is below the ${replicas} of stream ${stream}: the bucket would not survive what the events survive; give it at least ${replicas}` });
  }
  const maxBytes = raw.maxBytes ?? -1;
  const maxValueBytes = raw.maxValueBytes ?? -1;
  if (maxBytes !== -1 && maxValueBytes !== -1 && maxBytes < maxValueBytes) {
    found.push({ pointer: `/buckets/${name}/maxBytes`, message: `maxBytes (${maxBytes}) must be at least maxValueBytes (${maxValueBytes}): the bucket could not hold one value of the largest size` });
  }
  return found;
}

/**
 * What is wrong with a stream's limits: a max age shorter than the duplicate window (JetStream
 * refuses it), and any limit that removes events without `expiresAggregates: true`: every event is
 * part of an aggregate the event store rebuilds, and an aggregate whose events are gone cannot be
 * loaded again.
 */
function limitProblems(name: string, raw: RawStream): ExtensionProblem[] {
  const found: ExtensionProblem[] = [];
  const maxAge = durationMs(raw.maxAge ?? 0);
  const window = durationMs(raw.duplicateWindow ?? "2m");
  if (maxAge > 0 && maxAge < window) {
    found.push({ pointer: `/streams/${name}/maxAge`, message: `maxAge (${String(raw.maxAge)}) must be at least duplicateWindow (${String(raw.duplicateWindow ?? "2m")}): JetStream refuses a stream whose events expire before their duplicate window` });
  }
  const removing = [
    ...(maxAge > 0 ? [["maxAge", raw.maxAge]] : []),
    ...((raw.maxMsgs ?? -1) !== -1 ? [["maxMsgs", raw.maxMsgs]] : []),
    ...((raw.maxBytes ?? -1) !== -1 ? [["maxBytes", raw.maxBytes]] : []),
  ] as const;
  for (const [field, limit] of removing) {
    if (raw.expiresAggregates === true) continue;
    found.push({
      pointer: `/streams/${name}/${field}`,
      message: `${field} ${String(limit)} removes events of the aggregates on this stream, which then cannot be loaded again; leave it out to keep every event, or set expiresAggregates: true to accept that expired aggregates fail to load`,
    });
  }
  return found;
}

/**
 * What is wrong with a stream's dead-letter policies: each must say what its failures lead to, with
 * exactly one of `retry`, `deadLetter: immediate` and `discard: true`; and an event type may be in
 * one category only.
 */
function policyProblems(name: string, raw: RawStream): ExtensionProblem[] {
  const found: ExtensionProblem[] = [];
  const claimed = new Map<string, string>();
  for (const [category, policy] of Object.entries(raw.deadLetter?.policies ?? {})) {
    const where = `/streams/${name}/deadLetter/policies/${category}`;
    const actions = (["retry", "deadLetter", "discard"] as const).filter((action) => policy[action] !== undefined);
    if (actions.length !== 1) {
      found.push({
        pointer: where,
        message: `category "${category}" must say what its failures lead to with exactly one of retry, deadLetter: immediate, discard: true; it has ${actions.length === 0 ? "none" : actions.join(" and ")}`,
      });
    }
    (policy.events ?? []).forEach((pattern, index) => {
      const first = claimed.get(pattern);
      if (first === undefined) claimed.set(pattern, category);
      else found.push({ pointer: `${where}/events/${index}`, message: `"${pattern}" is already in category "${first}"; an event type belongs to one category` });
    });
  }
  return found;
}

type RawStep = { rename: RawFromTo } | { move: RawFromTo } | { default: { path: string; value: JsonValue } } | { drop: string };
interface RawFromTo {
  from: string;
  to: string;
}
type Duration = string | 0;
interface RawBucket {
  description?: string;
  storage?: "file" | "memory";
  replicas?: number;
  history?: number;
  ttl?: Duration;
  maxBytes?: number;
  maxValueBytes?: number;
}
interface RawPolicy {
  events?: string[];
  retry?: { maxDeliver?: number; backoff?: Duration[] };
  deadLetter?: "immediate";
  discard?: true;
}
interface RawStream {
  subjects: string[];
  description?: string;
  storage?: "file" | "memory";
  replicas?: number;
  retention?: "limits" | "interest" | "workqueue";
  discard?: "old" | "new";
  maxAge?: Duration;
  maxMsgs?: number;
  maxBytes?: number;
  duplicateWindow?: Duration;
  expiresAggregates?: boolean;
  eventSourced?: string[];
  deadLetter?: { stream?: string; subjectPrefix?: string; maxAge?: Duration; policies?: Record<string, RawPolicy> };
  consumer?: { ackWait?: Duration; maxDeliver?: number; backoff?: Duration[]; maxAckPending?: number };
}

/** An upcast or downcast as declared: none, a hand-written function, or steps. */
function conversionOf(raw: "function" | RawStep[] | undefined): UpcastModel {
  if (raw === undefined) return { kind: "none" };
  return raw === "function" ? { kind: "function" } : { kind: "steps", steps: raw.map(toStep) };
}

function toStep(raw: RawStep): UpcastStep {
  if ("rename" in raw) return { op: "rename", from: raw.rename.from, to: raw.rename.to };
  if ("move" in raw) return { op: "move", from: raw.move.from, to: raw.move.to };
  if ("default" in raw) return { op: "default", path: raw.default.path, value: raw.default.value };
  return { op: "drop", path: raw.drop };
}

/** A bucket with its defaults: one value per key, on file, kept for ever, as many replicas as the document's most replicated stream. */
function toBucketSpec(name: string, raw: RawBucket, streamReplicas: number): BucketSpec {
  return {
    name,
    description: raw.description,
    storage: raw.storage ?? "file",
    replicas: raw.replicas ?? streamReplicas,
    history: raw.history ?? 1,
    ttlMs: durationMs(raw.ttl ?? 0),
    maxBytes: raw.maxBytes ?? -1,
    maxValueBytes: raw.maxValueBytes ?? -1,
  };
}

function toStreamSpec(name: string, raw: RawStream): StreamSpec {
  const consumer: ConsumerDefaults = {
    ackWaitMs: durationMs(raw.consumer?.ackWait ?? "30s"),
    maxDeliver: raw.consumer?.maxDeliver ?? 5,
    backoffMs: (raw.consumer?.backoff ?? ["1s", "5s", "30s"]).map(durationMs),
    maxAckPending: raw.consumer?.maxAckPending ?? 1_000,
  };
  return {
    name,
    subjects: raw.subjects,
    description: raw.description,
    storage: raw.storage ?? "file",
    replicas: raw.replicas ?? 1,
    retention: raw.retention ?? "limits",
    discard: raw.discard ?? "old",
    maxAgeMs: durationMs(raw.maxAge ?? 0),
    maxMsgs: raw.maxMsgs ?? -1,
    maxBytes: raw.maxBytes ?? -1,
    duplicateWindowMs: durationMs(raw.duplicateWindow ?? "2m"),
    eventSourced: raw.eventSourced ?? [],
    deadLetter: {
      stream: raw.deadLetter?.stream ?? `${name}_DLQ`,
      subjectPrefix: raw.deadLetter?.subjectPrefix ?? `dlq.${name.toLowerCase()}`,
      maxAgeMs: durationMs(raw.deadLetter?.maxAge ?? 0),
      ...(raw.deadLetter?.policies === undefined ? {} : { policies: Object.entries(raw.deadLetter.policies).map(([category, policy]) => toFailurePolicy(category, policy)) }),
    },
    consumer,
  };
}

function toFailurePolicy(category: string, raw: RawPolicy): FailurePolicy {
  return {
    category,
    events: raw.events ?? [],
    onFailure: raw.discard === true ? "discard" : raw.deadLetter === "immediate" ? "dead-letter" : "retry",
    ...(raw.retry?.maxDeliver === undefined ? {} : { maxDeliver: raw.retry.maxDeliver }),
    ...(raw.retry?.backoff === undefined ? {} : { backoffMs: raw.retry.backoff.map(durationMs) }),
  };
}

function problems(errors: readonly ErrorObject[] | null | undefined): ExtensionProblem[] {
  // A failed anyOf reports each branch's errors too. Where a branch failed only inside the value (a
  // list of steps with a misspelled one), the value took that branch: its errors say what is wrong.
  // Otherwise one problem that says what was expected is clearer than every branch's.
  const all = errors ?? [];
  const hidden = new Set<ErrorObject>();
  for (const anyOf of all.filter((error) => error.keyword === "anyOf")) {
    const branches = all.filter((error) => error !== anyOf && error.schemaPath.startsWith(`${anyOf.schemaPath}/`));
    const inside = new Set(branches.filter((error) => error.instancePath.startsWith(`${anyOf.instancePath}/`)));
    for (const error of inside.size > 0 ? [anyOf, ...branches.filter((branch) => !inside.has(branch))] : branches) hidden.add(error);
  }
  return all
    .filter((error) => !hidden.has(error))
    .map((error) => ({
      pointer:
        error.keyword === "additionalProperties"
          ? `${error.instancePath}/${escapePointerToken(String(error.params["additionalProperty"]))}`
          : error.instancePath,
      message: describe(error),
    }));
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === "" ? "" : `${error.instancePath} `;
  switch (error.keyword) {
    case "additionalProperties":
      return `${where}has unknown field "${String(error.params["additionalProperty"])}"`;
    case "enum":
      return `${where}must be one of ${(error.params["allowedValues"] as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `${where}must be ${JSON.stringify(error.params["allowedValue"])}`;
    case "anyOf":
      return `${where}must be ${String((error.parentSchema as { description?: string } | undefined)?.description ?? "one of the allowed forms")}`;
    default:
      return `${where}${error.message ?? "is invalid"}`;
  }
}
