/** The shape of generated code: JSON types, contracts, event classes and upcasters. Types only. */
import type { ValidateFunction } from "ajv";
import type { eventMark } from "./event-mark.js";

export type { ValidateFunction };

/** A JSON value, as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object, as `JSON.parse` returns it. */
export type JsonObject = { [key: string]: JsonValue };

/** A JSON Schema (draft-07, the AsyncAPI schema format) in its JSON form. */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** Compatibility modes of Confluent Schema Registry, set per event in the spec. */
export type CompatibilityMode =
  | "BACKWARD"
  | "BACKWARD_TRANSITIVE"
  | "FORWARD"
  | "FORWARD_TRANSITIVE"
  | "FULL"
  | "FULL_TRANSITIVE"
  | "NONE";

/** One `{name}` of a channel address and where its value is read from in the event. */
export interface SubjectParameter {
  readonly name: string;
  /** JSON pointer into the event (from the parameter's `location`, or the property of the same name). */
  readonly pointer: string;
}

/** The subject an event is published on: the channel address, with `{name}` parameters. */
export interface SubjectTemplate {
  /** The channel address, e.g. `latechforce.table.{aggregateId}`. */
  readonly address: string;
  readonly parameters: readonly SubjectParameter[];
}

/** Turns the JSON of version N-1 of an event into the JSON of version N. */
export type Upcaster = (previous: JsonObject) => JsonObject;

/** Turns the JSON of version N of an event into the shape of version N-1 (before the fields N-1 does not declare are dropped). */
export type Downcaster = (next: JsonObject) => JsonObject;

/** One declarative upcast step from the spec (`x-evc.upcast`), on JSON pointers into the event. */
export type UpcastStep =
  | { readonly op: "rename"; readonly from: string; readonly to: string }
  | { readonly op: "move"; readonly from: string; readonly to: string }
  | { readonly op: "default"; readonly path: string; readonly value: JsonValue }
  | { readonly op: "drop"; readonly path: string };

/** Everything the toolkit knows about one version of one event: the generated registry is a list of these. */
export interface EventContract<T = unknown> {
  /** The event type, e.g. `record-created`. */
  readonly type: string;
  readonly version: number;
  /** The generated class, e.g. `RecordCreatedV2`. */
  readonly className: string;
  /** The system (spec document) the event belongs to, e.g. `latechforce`. */
  readonly system: string;
  /** The spec file the message is declared in, relative to the specs folder. */
  readonly specFile: string;
  /** The payload schema, self-contained (no external `$ref`). */
  readonly schema: JsonSchema;
  /** The precompiled ajv validator of `schema`. */
  readonly validate: ValidateFunction;
  /** Where the event is published; undefined for a message on no channel. */
  readonly subject: SubjectTemplate | undefined;
  /** The JetStream stream whose subjects cover `subject`, if the spec declares one. */
  readonly stream: string | undefined;
  /** True when the payload is an evc envelope (`id`, `type`, `version`, `aggregateId`, ...). */
  readonly envelope: boolean;
  /** The aggregate type the payload pins with `const`, if any. */
  readonly aggregateType: string | undefined;
  /** How this event may evolve, checked by `evc diff`. */
  readonly compatibility: CompatibilityMode;
  /** Brings version N-1 to this version; undefined for version 1. */
  readonly upcast: Upcaster | undefined;
  /**
   * The generator's verdict: true when consumers of version N-1 can read this version once the
   * fields N-1 does not declare are dropped (FORWARD compatible under the lenient policy).
   * Absent in SDKs generated before rolling upgrades: false.
   */
  readonly readableByPrevious?: boolean;
  /** The declared downcast (`x-evc.downcast`) towards version N-1's shape; the unknown fields are dropped after it. */
  readonly downcast?: Downcaster | undefined;
  /** Builds the typed event from JSON that `validate` accepted, without validating again. */
  readonly create: (json: JsonObject) => T;
}

/**
 * An instance of a generated event class: its JSON, exactly as validated (unknown fields kept), and
 * the mark of generated classes, which other objects with a `toJSON` method lack.
 */
export interface EventInstance {
  /** Declared by every generated event class; never set at run time. */
  readonly [eventMark]: true;
  toJSON(): unknown;
}

/** What every generated event class offers besides its constructor. */
export interface EventClass<T extends EventInstance = EventInstance> {
  /** The contract of this type and version. */
  readonly contract: EventContract<T>;
  /** Validate JSON (a parsed object or a string) and build the event; throws `ValidationError`. */
  fromJSON(json: unknown): T;
}

/** The fields of a generated event class, without its methods and its mark: the shape of its JSON. */
export type EventFields<T> = {
  readonly [K in keyof T as K extends typeof eventMark ? never : T[K] extends (...args: never[]) => unknown ? never : K]: T[K];
};

/** What a generated class's constructor takes: its fields, less those the schema pins with `const`. */
export type EventInit<T, Pinned extends keyof EventFields<T> = never> = Omit<EventFields<T>, Pinned>;
