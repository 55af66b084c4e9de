/**
 * What reads of stored events return, typed from what they are given, as `subscribe` is: a handle
 * gives its latest version, a contract its own, a literal type name or pattern the latest versions of
 * the registry's types it matches, a literal aggregate type the events of that aggregate type. A
 * literal that matches nothing does not compile; a `string` only known at run time, or an untyped
 * registry, gives `EventInstance`. No read takes the event type as a type argument of its own.
 */
import type { EventInstance } from "./contract.js";
import type { EventOf, EventSource, KnownPattern, MatchingEvents } from "./event-types.js";

/** The latest events of `Events` whose aggregate type is `A`; any event for a non-literal string or an untyped registry. */
export type AggregateEvents<Events, A extends string> = string extends A
  ? EventInstance
  : unknown extends Events
    ? EventInstance
    : { [K in keyof Events & string]: Events[K] extends { readonly aggregateType: A } ? Events[K] : never }[keyof Events & string];

/** `A` when it is a non-literal string, the registry is untyped, or an event type of `Events` has aggregate type `A`; `never` otherwise, so that an aggregate type no event has does not compile. */
export type KnownAggregateType<Events, A extends string> = [AggregateEvents<Events, A>] extends [never] ? never : A;

/** What a read selects events by: a handle, a contract, or a type name or pattern with NATS wildcards. */
export type ReadTarget = string | EventSource;

/** One target of a read, or a non-empty list of them: the list selects what any of its targets selects. */
export type ReadTargets = ReadTarget | readonly ReadTarget[];

/**
 * `T` unless it is a literal type name or pattern that matches no type of `Events`, or a list that
 * is empty or holds such a literal (then `never`, or `never` in that place of the list).
 */
export type KnownTarget<Events, T> = T extends readonly []
  ? never
  : T extends readonly unknown[]
    ? { readonly [I in keyof T]: KnownTarget<Events, T[I]> }
    : T extends string
      ? KnownPattern<Events, T>
      : T;

/**
 * The events a read of target `T` returns, within aggregate type `A`: a handle's latest version or a
 * contract's own (whatever `A`), else the latest versions of the types `T` matches (every type when
 * `T` is undefined, any type for a non-literal string) that have aggregate type `A`; for a list, the
 * union of what each of its targets returns.
 */
export type TargetEvents<Events, T, A extends string = string> = T extends readonly (infer Each)[]
  ? TargetEvents<Events, Each, A>
  : T extends EventSource
  ? EventOf<T>
  : string extends T
    ? AggregateEvents<Events, A>
    : Extract<MatchingEvents<Events, T extends string ? T : ">">, AggregateEvents<Events, A>>;

/** The target a query or replay object names in its `type`, undefined when it names none. */
type TargetOf<Q> = Q extends { readonly type: infer T } ? T : undefined;

/** The aggregate type a query object names, `string` when it names none. */
type AggregateTypeOf<Q> = Q extends { readonly aggregateType: infer A extends string } ? A : string;

/** What a query or replay object must also be: its literal type name or pattern, and its literal aggregate type, known to `Events`. */
export interface KnownSelection<Events, Q> {
  readonly type?: KnownTarget<Events, TargetOf<Q>>;
  readonly aggregateType?: KnownAggregateType<Events, AggregateTypeOf<Q>>;
}

/** The events a query or replay object selects (`type`, `aggregateType`) of a registry typed by `Events`. */
export type SelectedEvents<Events, Q> = TargetEvents<Events, TargetOf<Q>, AggregateTypeOf<Q>>;
