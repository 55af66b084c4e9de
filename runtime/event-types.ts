/**
 * The typed API's vocabulary: a generated event type handle (every version of one type, the latest
 * last), the events a handle, a list of handles or a NATS-wildcard pattern stands for, and the
 * fields `create` takes. Types follow from the generated SDK: a wrong type name, field or version
 * is a compile error; a `string` that is not a literal stays possible and is untyped.
 */
import type { EventContract, EventFields, EventInstance } from "./contract.js";
import { ArgumentError } from "./errors.js";

/** A generated event type: its name and the contract of every version, oldest first. */
export interface EventTypeHandle<Name extends string = string, Latest extends EventInstance = EventInstance, Any extends EventInstance = Latest> {
  readonly type: Name;
  /** Every version's contract, oldest first. */
  readonly versions: readonly EventContract<Any>[];
  /** The contract of the newest version: what subscribers receive after upcasting, and what `create` builds. */
  readonly latest: EventContract<Latest>;
}

/**
 * Define the handle of an event type from its contracts, oldest first.
 * @private
 */
export function defineEventType<Name extends string, Latest extends EventInstance, Any extends EventInstance = Latest>(
  type: Name,
  versions: readonly EventContract<Any>[],
): EventTypeHandle<Name, Latest, Any> {
  const latest = versions.at(-1);
  if (latest === undefined) throw new ArgumentError("versions", `at least one contract of "${type}"`);
  return Object.freeze({ type, versions: Object.freeze([...versions]), latest: latest as unknown as EventContract<Latest> });
}

/** What the typed API takes where it needs one event type: a handle (its latest version) or one version's contract. */
// `any`: a handle's union of all versions varies by type; only its latest version matters here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EventSource<T extends EventInstance = EventInstance> = EventTypeHandle<string, T, any> | EventContract<T>;

/** The event a handle (its latest version) or a contract stands for. */
export type EventOf<S> = S extends EventTypeHandle<string, infer Latest, infer _Any> ? Latest : S extends EventContract<infer T> ? T : never;

/** The events of a list of handles or contracts. */
export type EventsOf<S extends readonly unknown[]> = EventOf<S[number]>;

/** The metadata an event carries, or `never` for an event without any. */
type MetadataOf<T> = T extends { readonly metadata: infer M } ? M : never;

/** The envelope fields `create` fills in: the id, the time, the pinned type, version and aggregate type, and the metadata. */
type Filled = "id" | "type" | "version" | "aggregateType" | "timestamp" | "metadata";

/**
 * What `create` takes for an event: its own fields (`aggregateId`, `data`, ...), and optionally an
 * id, a time and metadata, which otherwise default (metadata from the event being handled).
 */
export type CreateInit<T> = EventInstance extends T
  ? DynamicInit
  : Omit<EventFields<T>, Filled> & {
      readonly id?: string;
      readonly timestamp?: string;
      readonly metadata?: MetadataOf<T>;
    };

/**
 * The fields `create` takes for the type named `K` of `Events`: `CreateInit` of its latest version.
 * `Events` is matched, not indexed, so that a bus of typed events stays assignable to an untyped one.
 */
export type CreateInitOf<Events, K extends string> = [Events] extends [{ readonly [P in K]: infer T }] ? CreateInit<T> : never;

/** The fields `create` takes when the type is only known at run time. */
export interface DynamicInit {
  readonly aggregateId: string;
  readonly data: unknown;
  readonly metadata?: object;
  readonly version?: number;
  readonly id?: string;
  readonly timestamp?: string;
}

/** `a.b.c` as `["a", "b", "c"]`. */
type Tokens<S extends string> = S extends `${infer Head}.${infer Tail}` ? [Head, ...Tokens<Tail>] : [S];

/** Whether pattern tokens match name tokens, with NATS wildcards (`*` one token, `>` the rest). */
type TokensMatch<P extends readonly string[], N extends readonly string[]> = P extends [">"]
  ? N extends [string, ...string[]]
    ? true
    : false
  : P extends [infer PH extends string, ...infer PT extends string[]]
    ? N extends [infer NH extends string, ...infer NT extends string[]]
      ? PH extends "*"
        ? TokensMatch<PT, NT>
        : PH extends NH
          ? TokensMatch<PT, NT>
          : false
      : false
    : N extends []
      ? true
      : false;

/** The latest events of every type of `Events` (type name → latest class) that pattern `P` matches; any event for a non-literal string or an untyped registry. */
export type MatchingEvents<Events, P extends string> = string extends P
  ? EventInstance
  : unknown extends Events
    ? EventInstance
  : { [K in keyof Events & string]: TokensMatch<Tokens<P>, Tokens<K>> extends true ? Events[K] : never }[keyof Events & string];

/** `P` when it is a non-literal string or matches at least one type of `Events`; `never` otherwise, so that a pattern matching nothing does not compile. */
export type KnownPattern<Events, P extends string> = string extends P ? P : [MatchingEvents<Events, P>] extends [never] ? never : P;

/** `S` when it is a non-literal string or the registry is untyped; `never` for a literal, which must then be a type of the registry. */
export type DynamicString<Events, S extends string> = string extends S ? S : unknown extends Events ? S : never;

/** Type-level only: where a request operation keeps the type of its replies. */
declare const replyType: unique symbol;

/**
 * A request/reply operation of the specs (an AsyncAPI 3 operation with a `reply`): the event type it
 * sends and the event types that answer it. `SuspensionManager.request` runs it, typed.
 */
export interface RequestOperation<Request extends EventInstance = EventInstance, Reply extends EventInstance = EventInstance> {
  /** The operation's id in the spec (`requestCodegen`). */
  readonly name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly request: EventTypeHandle<string, Request, any>;
  readonly replies: readonly EventTypeHandle[];
  /** Never set: carries the reply's type for the compiler. */
  readonly [replyType]?: Reply;
}

/** The reply a request operation resolves with. */
export type ReplyOf<O> = O extends RequestOperation<EventInstance, infer Reply> ? Reply : never;

/** The request event a request operation sends. */
export type RequestOf<O> = O extends RequestOperation<infer Request, EventInstance> ? Request : never;

/**
 * Define a request/reply operation from its request and reply handles.
 * @private
 */
export function defineRequest<Request extends EventInstance, Reply extends EventInstance>(
  name: string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  request: EventTypeHandle<string, Request, any>,
  replies: readonly EventTypeHandle[],
): RequestOperation<Request, Reply> {
  if (replies.length === 0) throw new ArgumentError("replies", `at least one reply type of the operation "${name}"`);
  return Object.freeze({ name, request, replies: Object.freeze([...replies]) });
}

/** The contract a source builds and delivers: a handle's latest, or the contract itself. */
export function contractOf(source: EventSource): EventContract {
  return "versions" in source ? source.latest : source;
}

/** The version a source pins: a contract's own; undefined for a handle (the latest). */
export function versionOf(source: EventSource): number | undefined {
  return "versions" in source ? undefined : source.version;
}
