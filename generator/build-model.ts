/**
 * From parsed AsyncAPI documents to the intermediate model: one `EventModel` per message version,
 * one `SystemModel` per document. Problems go to the diagnostic sink with their `file:line:col`.
 */
import type { AsyncAPIDocumentInterface, ChannelInterface, MessageInterface } from "@asyncapi/parser";
import { isDeepStrictEqual } from "node:util";
import { type CompatibilityMode, escapePointerToken, isPlainObject, type JsonObject, type SubjectParameter, type SubjectTemplate } from "@evc/runtime/codegen";
import type { StreamSpec } from "@evc/runtime";
import { subjectCovers, subjectPattern } from "@evc/runtime/subjects";
import type { DiagnosticSink, SourceLocation } from "./diagnostics.js";
import { readJetStreamExtension, readMessageExtension, type ExtensionProblem, type JetStreamExtension } from "./extensions.js";
import { checkPolicyEvents } from "./policy-events.js";
import type { EventModel, ExampleModel, OperationModel, SystemModel } from "./model.js";
import { className, typeName } from "./naming.js";
import { bundleSchema, type ModelNamer } from "./schema-graph.js";
import { isEnvelope, pinnedValue, propertySchemas } from "./schema-facts.js";
import { pointerTokens, type SourceFile, type SourceFiles } from "./sources.js";

/** One parsed document with what it needs to be turned into the model. */
export interface ParsedDocument {
  readonly system: string;
  readonly file: SourceFile;
  readonly document: AsyncAPIDocumentInterface;
}

/** The events and system a document declares. */
export interface DocumentModel {
  readonly system: SystemModel;
  readonly events: EventModel[];
}

/** Names the SDK's index declares besides the models: they must stay free. */
const indexNames = ["EventType", "AnyEvent", "LatestEvents", "EventVersions"];

/** The event type chosen for a message: its own, or, when renamed, the one it had and where the message it shares it with is. */
export interface TypeChoice {
  readonly type: string;
  readonly renamed?: { readonly from: string; readonly sharedWith: string };
}

/** The event type of every message (by its JSON object), decided once for all documents. */
export type EventTypes = ReadonlyMap<unknown, TypeChoice>;

/**
 * Choose each message's event type and keep the names the SDK needs for every event away from
 * models, before any model is named: the per-type union (`RecordCreated`), and the class, contract
 * and JSON type of each version. In a foreign document (not evc's own), a message whose name and
 * version an earlier message with a different payload already has (a request and its reply both
 * named after the operation) gets its name followed by its place: `getUser.userReplies`.
 */
export function reserveEventNames(documents: readonly ParsedDocument[], namer: ModelNamer): EventTypes {
  for (const name of indexNames) namer.reserve(name);
  const types = new Map<unknown, TypeChoice>();
  for (const { document, file } of documents) {
    const native = isPlainObject(file.json) && "x-evc-jetstream" in file.json;
    const first = new Map<string, { payload: unknown; pointer: string }>();
    for (const message of document.allMessages()) {
      const json = message.json() as Record<string, unknown>;
      if (types.has(json)) continue;
      const pointer = messagePointer(message);
      const version = readMessageExtension(json["x-evc"]).value.version;
      const own = typeOf(message, pointer);
      const payload = message.payload()?.json() as unknown;
      const earlier = first.get(`${own}\u0000${version}`);
      const choice: TypeChoice =
        native || earlier === undefined || isDeepStrictEqual(earlier.payload, payload)
          ? { type: own }
          : { type: placedType(own, pointer, version, first), renamed: { from: own, sharedWith: earlier.pointer } };
      if (!first.has(`${choice.type}\u0000${version}`)) first.set(`${choice.type}\u0000${version}`, { payload, pointer });
      types.set(json, choice);
      const name = className(choice.type, version);
      for (const reserved of [typeName(choice.type, "Event"), name, `${name}Contract`, `${name}Json`, `${name}Value`]) namer.reserve(reserved);
    }
  }
  return types;
}

/** A type for a message that shares its name: the name followed by the message's place in the document, then a number if that is taken too. */
function placedType(type: string, pointer: string, version: number, taken: ReadonlyMap<string, unknown>): string {
  const place = pointerTokens(pointer).filter((token) => !["channels", "messages", "message", "components", "operations", type].includes(token));
  const base = place.length === 0 ? type : `${type}.${place.join(".")}`;
  let candidate = base;
  for (let index = 2; taken.has(`${candidate}\u0000${version}`); index++) candidate = `${base}.${index}`;
  return candidate;
}

/** Turn one parsed document into its system and events. */
export function buildDocumentModel(
  parsed: ParsedDocument,
  context: { readonly sources: SourceFiles; readonly namer: ModelNamer; readonly sink: DiagnosticSink; readonly types: EventTypes; readonly defaultMode: CompatibilityMode },
): DocumentModel {
  const { sources, sink } = context;
  const { file, document } = parsed;
  const raw = isPlainObject(file.json) ? file.json : {};
  const native = "x-evc-jetstream" in raw;
  const declared = native ? readJetStream(raw["x-evc-jetstream"], file, sources, sink) : { streams: [], buckets: [] };
  const streamsKnown = declared !== undefined;
  const info = document.info();
  const system: SystemModel = {
    name: parsed.system,
    specFile: file.display,
    title: info.title(),
    version: info.version(),
    native,
    streams: declared?.streams ?? [],
    buckets: declared?.buckets ?? [],
  };
  const channelsOf = channelsByMessage(document);
  const operationsOf = operationsByMessage(document);
  const events: EventModel[] = [];
  const seen = new Set<unknown>();
  for (const message of document.allMessages()) {
    const json = message.json();
    if (seen.has(json)) continue;
    seen.add(json);
    const event = buildEvent(message, channelsOf.get(json) ?? [], { ...context, system, file, streamsKnown });
    events.push({ ...event, operations: operationsOf.get(json) ?? [] });
  }
  checkEventSourced(system, events, (stream, index) => sources.locate(file, ["x-evc-jetstream", "streams", stream, "eventSourced", String(index)]), sink);
  if (declared !== undefined) checkPolicyEvents(declared.streams, events, (pointer) => sources.locate(file, ["x-evc-jetstream", ...pointerTokens(pointer)]), sink);
  return { system, events };
}

/**
 * Each aggregate type a stream lists as event-sourced has events on that stream, and the stream keeps
 * its events (`limits` retention): the event store reads every event of an aggregate back, which
 * a workqueue stream forbids and an interest stream removes once its consumers have them.
 */
function checkEventSourced(system: SystemModel, events: readonly Omit<EventModel, "operations">[], locate: (stream: string, index: number) => SourceLocation, sink: DiagnosticSink): void {
  for (const stream of system.streams) {
    const aggregates = new Set(events.flatMap((event) => (event.stream === stream.name && event.aggregateType !== undefined ? [event.aggregateType] : [])));
    stream.eventSourced.forEach((aggregateType, index) => {
      if (stream.retention !== "limits") {
        sink.error(
          "evc-event-sourced-retention",
          `stream ${stream.name} lists "${aggregateType}" as event-sourced, but has ${stream.retention} retention: the event store reads every event of an aggregate back, so the stream must keep them (retention: limits)`,
          locate(stream.name, index),
        );
      }
      if (aggregates.has(aggregateType)) return;
      const known = [...aggregates].sort().map((name) => `"${name}"`).join(", ") || "none";
      sink.error("evc-unknown-aggregate", `stream ${stream.name} lists "${aggregateType}" as event-sourced, but no event on it has that aggregate type (its aggregate types: ${known})`, locate(stream.name, index));
    });
  }
}

interface EventContext {
  readonly system: SystemModel;
  readonly file: SourceFile;
  readonly sources: SourceFiles;
  readonly namer: ModelNamer;
  readonly sink: DiagnosticSink;
  /** False when `x-evc-jetstream` is broken: which stream captures a subject is then unknown, not missing. */
  readonly streamsKnown: boolean;
  /** The mode of messages that declare none. */
  readonly defaultMode: CompatibilityMode;
  readonly types: EventTypes;
}

function buildEvent(message: MessageInterface, channels: readonly ChannelInterface[], context: EventContext): Omit<EventModel, "operations"> {
  const { system, file, sources, namer, sink, streamsKnown } = context;
  const json = message.json() as Record<string, unknown>;
  const pointer = messagePointer(message);
  const at = (...path: (string | number)[]): SourceLocation => sources.locate(file, [...pointerTokens(pointer), ...path.map(String)]);
  const read = readMessageExtension(json["x-evc"], context.defaultMode);
  reportProblems(read.problems, "evc-invalid-extension", `invalid "x-evc" of message "${namedId(message) ?? pointer}"`, (p) => at("x-evc", ...pointerTokens(p)), sink);
  const extension = read.value;
  const choice = context.types.get(json) ?? { type: typeOf(message, pointer) };
  const type = choice.type;
  const name = className(type, extension.version);
  if (choice.renamed !== undefined) {
    const { from, sharedWith } = choice.renamed;
    sink.warning(
      "evc-message-renamed",
      `message "${from}" v${extension.version} has the name of the message at ${sharedWith} but another payload; generated as "${type}" (class ${name}): give it a name of its own to choose another`,
      at(),
    );
  }
  const bundled = bundleSchema(payloadSchema(message), name, namer);
  const properties = propertySchemas(bundled.schema);
  const aggregateType = pinnedValue(properties, "aggregateType");
  const subject = subjectOf(channels[0], system.native, at, sink);
  const stream = subject === undefined ? undefined : streamOf(subject, system.streams);
  if (system.native && streamsKnown) checkPlacement(`"${type}" v${extension.version}`, channels, subject, stream, at(), sink);
  return {
    type,
    version: extension.version,
    className: name,
    system: system.name,
    messageId: namedId(message) ?? pointer,
    specFile: file.display,
    location: at(),
    payloadPointer: `${pointer}/payload${isMultiFormat(message.payload()?.json()) ? "/schema" : ""}`,
    title: text(json["title"]),
    summary: text(json["summary"]),
    description: text(json["description"]),
    schema: bundled.schema,
    namedSchema: bundled.named,
    subject,
    stream,
    envelope: system.native && isEnvelope(properties),
    aggregateType: typeof aggregateType === "string" ? aggregateType : undefined,
    compatibility: extension.compatibility,
    upcast: extension.upcast,
    downcast: { ...extension.downcast, location: extension.downcast.kind === "none" ? at() : at("x-evc", "downcast") },
    readableByPrevious: false,
    examples: examplesOf(message, pointer, at),
  };
}

/** The payload schema of a message, unwrapped from an AsyncAPI 3 multi-format schema object. */
function payloadSchema(message: MessageInterface): unknown {
  const payload = message.payload()?.json() as unknown;
  if (isMultiFormat(payload)) return payload["schema"];
  return payload ?? {};
}

function isMultiFormat(payload: unknown): payload is Record<string, unknown> {
  return isPlainObject(payload) && "schemaFormat" in payload && "schema" in payload;
}

/** The type of a message: its `name`, else its id, else (anonymous messages of AsyncAPI 2) its place in the document. */
function typeOf(message: MessageInterface, pointer: string): string {
  if (message.hasName()) return message.name() as string;
  const id = namedId(message);
  if (id !== undefined) return id;
  return pointerTokens(pointer)
    .filter((token) => token !== "channels" && token !== "message" && token !== "messages")
    .join(".");
}

/** The id of a message, unless it is missing or one the parser made up (`<anonymous-message-1>`). */
function namedId(message: MessageInterface): string | undefined {
  const id = message.id() as string | undefined;
  return id === undefined || id === "" || id.startsWith("<") ? undefined : id;
}

function messagePointer(message: MessageInterface): string {
  const meta = message.meta() as { pointer?: string } | undefined;
  return meta?.pointer ?? `/components/messages/${namedId(message) ?? ""}`;
}

function channelsByMessage(document: AsyncAPIDocumentInterface): Map<unknown, ChannelInterface[]> {
  const byMessage = new Map<unknown, ChannelInterface[]>();
  for (const channel of document.channels()) {
    for (const message of channel.messages()) {
      const list = byMessage.get(message.json()) ?? [];
      if (!list.includes(channel)) list.push(channel);
      byMessage.set(message.json(), list);
    }
  }
  return byMessage;
}

/** The operations of a document by the messages they send or receive (all of the channel's when they name none). */
function operationsByMessage(document: AsyncAPIDocumentInterface): Map<unknown, OperationModel[]> {
  const byMessage = new Map<unknown, OperationModel[]>();
  for (const operation of document.operations()) {
    const channel = operation.channels().all()[0];
    const model: OperationModel = {
      id: operation.id() ?? "",
      action: operation.isReceive() ? "receive" : "send",
      title: text((operation.json() as Record<string, unknown>)["title"]),
      channel: channel?.id(),
      replyMessages: operation.reply()?.messages().all().map((message) => message.id()) ?? [],
    };
    for (const message of operation.messages()) byMessage.set(message.json(), [...(byMessage.get(message.json()) ?? []), model]);
  }
  return byMessage;
}

const payloadLocation = /^\$message\.payload#(\/.*)?$/;

function subjectOf(
  channel: ChannelInterface | undefined,
  native: boolean,
  at: (...path: string[]) => SourceLocation,
  sink: DiagnosticSink,
): SubjectTemplate | undefined {
  const address = channel?.address();
  if (channel === undefined || typeof address !== "string") return undefined;
  const declared = new Map(channel.parameters().all().map((parameter) => [parameter.id(), parameter]));
  const names = [...address.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
  const parameters: SubjectParameter[] = [...new Set(names)].map((name) => {
    const parameter = declared.get(name);
    const location = parameter?.hasLocation() ? parameter.location() : undefined;
    const match = location === undefined ? null : payloadLocation.exec(location);
    if (location !== undefined && match === null && native) {
      sink.error(
        "evc-parameter-location",
        `parameter "${name}" of channel "${channel.id()}" is read from "${location}"; the runtime reads subject parameters from the payload ($message.payload#/...)`,
        at(),
      );
    }
    return { name, pointer: match?.[1] ?? `/${escapePointerToken(name)}` };
  });
  return { address, parameters };
}

/** Our own events are published on exactly one channel, whose subject one declared stream captures. */
function checkPlacement(
  label: string,
  channels: readonly ChannelInterface[],
  subject: SubjectTemplate | undefined,
  stream: string | undefined,
  location: SourceLocation,
  sink: DiagnosticSink,
): void {
  if (channels.length !== 1) {
    const on = channels.length === 0 ? "no channel" : `${channels.length} channels (${channels.map((c) => `"${c.id()}"`).join(", ")})`;
    sink.error("evc-channel-count", `${label} is on ${on}; each of our events is published on exactly one channel`, location);
  } else if (subject === undefined) {
    sink.error("evc-channel-address", `${label}: its channel has no address, so it has no subject`, location);
  } else if (stream === undefined) {
    sink.error("evc-no-stream", `${label}: no stream of x-evc-jetstream captures subject "${subject.address}"`, location);
  }
}

function streamOf(subject: SubjectTemplate, streams: readonly StreamSpec[]): string | undefined {
  const pattern = subjectPattern(subject.address);
  return streams.find((stream) => stream.subjects.some((covering) => subjectCovers(covering, pattern)))?.name;
}

function examplesOf(message: MessageInterface, pointer: string, at: (...path: (string | number)[]) => SourceLocation): ExampleModel[] {
  return message
    .examples()
    .all()
    .flatMap((example, index) =>
      example.hasPayload()
        ? [{ name: example.hasName() ? example.name() : undefined, payload: example.payload() as JsonObject, location: at("examples", index, "payload"), pointer: `${pointer}/examples/${index}/payload` }]
        : [],
    );
}

function readJetStream(value: unknown, file: SourceFile, sources: SourceFiles, sink: DiagnosticSink): JetStreamExtension | undefined {
  const read = readJetStreamExtension(value);
  if ("value" in read) return read.value;
  reportProblems(
    read.problems,
    "evc-invalid-extension",
    'invalid "x-evc-jetstream"',
    (pointer) => sources.locate(file, ["x-evc-jetstream", ...pointerTokens(pointer)]),
    sink,
  );
  return undefined;
}

function reportProblems(
  problems: readonly ExtensionProblem[],
  code: string,
  context: string,
  locate: (pointer: string) => SourceLocation,
  sink: DiagnosticSink,
): void {
  for (const problem of problems) sink.error(code, `${context}: ${problem.message}`, locate(problem.pointer));
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
