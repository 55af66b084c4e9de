/**
 * The intermediate model: everything the emitters, `evc list`, `evc diff` and the tests need to
 * know about the contracts, as plain data, independent of the parser that read the specs.
 */
import type { CompatibilityMode, JsonObject, JsonSchema, JsonValue, SubjectTemplate, UpcastStep } from "@evc/runtime/codegen";
import type { BucketSpec, StreamSpec } from "@evc/runtime";
import type { SourceLocation } from "./diagnostics.js";

/** How an event version is reached from the version before it (an upcast), or brought to that version's shape (a downcast). */
export type UpcastModel =
  | { readonly kind: "none" }
  | { readonly kind: "steps"; readonly steps: readonly UpcastStep[] }
  | { readonly kind: "function" };

/** One example of a message version, from the spec. */
export interface ExampleModel {
  readonly name: string | undefined;
  readonly payload: JsonValue;
  readonly location: SourceLocation;
  /** Where the payload is in its document (a JSON pointer, followed through `$ref`s), to locate a path inside it. */
  readonly pointer: string;
}

/** An operation of the spec that sends or receives a message version. */
export interface OperationModel {
  /** The operation's key in the document (`publishTableEvents`). */
  readonly id: string;
  readonly action: "send" | "receive";
  readonly title: string | undefined;
  /** The id of the channel it acts on. */
  readonly channel: string | undefined;
  /** The ids of the messages its `reply` expects (AsyncAPI 3 request/reply); empty when it expects none. */
  readonly replyMessages: readonly string[];
}

/** One version of one event type. */
export interface EventModel {
  /** The event type, e.g. `record-created`. */
  readonly type: string;
  readonly version: number;
  /** The class name, e.g. `RecordCreatedV2`. */
  readonly className: string;
  /** The system (document) it belongs to. */
  readonly system: string;
  /** The message's key in the document (`RecordCreatedV2`). */
  readonly messageId: string;
  /** The spec file, as shown in diagnostics and headers. */
  readonly specFile: string;
  /** Where the message is declared. */
  readonly location: SourceLocation;
  /** The JSON pointer of the payload schema in the spec file, from the document's root (through `$ref`s). */
  readonly payloadPointer: string;
  readonly title: string | undefined;
  readonly summary: string | undefined;
  readonly description: string | undefined;
  /** The payload as a self-contained JSON Schema (no external `$ref`, cycles through `definitions`). */
  readonly schema: JsonSchema;
  /** The same schema with every object and enum titled with its model name, for the TypeScript emitter. */
  readonly namedSchema: JsonObject;
  readonly subject: SubjectTemplate | undefined;
  readonly stream: string | undefined;
  /** True when the payload is an evc envelope. */
  readonly envelope: boolean;
  readonly aggregateType: string | undefined;
  readonly compatibility: CompatibilityMode;
  readonly upcast: UpcastModel;
  /** The declared downcast towards the previous version (`x-evc.downcast`), and where it is declared (the message when it is not). */
  readonly downcast: UpcastModel & { readonly location: SourceLocation };
  /** The generator's verdict: readers of the previous version read this one once the fields they do not declare are dropped. */
  readonly readableByPrevious: boolean;
  readonly examples: readonly ExampleModel[];
  /** The operations that send or receive this version. */
  readonly operations: readonly OperationModel[];
}

/** One spec document: a system. */
export interface SystemModel {
  /** The system's name: the document's file name without extension (its folder path when names repeat). */
  readonly name: string;
  readonly specFile: string;
  readonly title: string;
  readonly version: string;
  /** True for our own documents (they declare `x-evc-jetstream`), held to the stricter rules. */
  readonly native: boolean;
  readonly streams: readonly StreamSpec[];
  /** The runtime's key-value buckets it declares. */
  readonly buckets: readonly BucketSpec[];
}

/** Every contract the specs declare. */
export interface ContractModel {
  readonly systems: readonly SystemModel[];
  /** Every event version, sorted by type, then version. */
  readonly events: readonly EventModel[];
}

/** The version before an event's among `events` (by number: a version missing is no version before); undefined when there is none. */
export function previousVersions(events: readonly EventModel[]): (event: EventModel) => EventModel | undefined {
  const byKey = new Map(events.map((event) => [versionKey(event), event]));
  return (event) => byKey.get(versionKey({ type: event.type, version: event.version - 1 }));
}

/** A key that tells event versions apart: type and version. */
export function versionKey(event: { readonly type: string; readonly version: number }): string {
  return `${event.type}\u0000${event.version}`;
}

/** Where a path (JSON pointer tokens, from the document's root) of an event's document is written. */
export type DocumentLocator = (event: EventModel, tokens: readonly string[]) => SourceLocation;
