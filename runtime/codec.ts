/**
 * Events to messages and back. The body is the event as plain JSON (one `JSON.stringify`, never a
 * string encoded twice); the type and version travel in headers, and decoding dispatches on them,
 * never on the payload's shape.
 */
import type { MsgHdrs } from "@nats-io/transport-node";
import type { EventContract, JsonObject } from "./contract.js";
import { DecodeError, UnknownEventError, ValidationError } from "./errors.js";
import { cloudEventsVersion, dataSchemaOf, eventHeaders, Header, readHeader, type EventAttributes, type HeaderLookup } from "./headers.js";
import { isPlainObject } from "./json.js";
import type { Registry } from "./registry.js";
import { subjectOf } from "./subject.js";

/** An event ready for the wire. */
export interface EncodedEvent {
  readonly subject: string;
  readonly id: string;
  readonly headers: MsgHdrs;
  readonly body: Uint8Array;
}

/** What encoding needs besides the event. */
export interface EncodeContext {
  /** The CloudEvents `source` when the event's metadata names none. */
  readonly source: string;
  /** Trace context headers to send (from the propagator), when tracing is on. */
  readonly trace: Readonly<Record<string, string>> | undefined;
}

/** An event validated and serialized, whose headers are yet to be written (`withHeaders`). */
export interface PreparedEvent {
  readonly subject: string;
  readonly id: string;
  readonly attributes: EventAttributes;
  readonly body: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Validate an envelope event's JSON against its contract and encode it; throws `ValidationError` or `SubjectError`, and sends nothing. */
export function encodeEvent(contract: EventContract, json: JsonObject, context: EncodeContext): EncodedEvent {
  return withHeaders(prepareEvent(contract, json, context.source), context.trace);
}

/**
 * Validate an event's JSON against its contract, build its subject and CloudEvents attributes,
 * and serialize it; throws `ValidationError` or `SubjectError`.
 */
export function prepareEvent(contract: EventContract, json: JsonObject, source: string): PreparedEvent {
  if (!contract.validate(json)) throw new ValidationError(contract.type, contract.version, contract.validate.errors ?? []);
  const id = json["id"];
  if (typeof id !== "string") throw new ValidationError(contract.type, contract.version, [{ instancePath: "/id", schemaPath: "", keyword: "required", params: {}, message: "must be the event id (a string)" }]);
  const metadata = isPlainObject(json["metadata"]) ? json["metadata"] : {};
  const attributes: EventAttributes = {
    id,
    type: contract.type,
    version: contract.version,
    source: typeof metadata["source"] === "string" ? metadata["source"] : source,
    time: typeof json["timestamp"] === "string" ? json["timestamp"] : undefined,
    subject: typeof json["aggregateId"] === "string" ? json["aggregateId"] : undefined,
    dataSchema: dataSchemaOf(contract.system, contract.type, contract.version),
    correlationId: typeof metadata["correlationId"] === "string" ? metadata["correlationId"] : undefined,
    causationId: typeof metadata["causationId"] === "string" ? metadata["causationId"] : undefined,
  };
  return { subject: subjectOf(contract, json), id, attributes, body: encoder.encode(JSON.stringify(json)) };
}

/** A prepared event with its headers: the CloudEvents ones, `Nats-Msg-Id`, and `extra` (trace context, the event store's headers). */
export function withHeaders(prepared: PreparedEvent, extra: Readonly<Record<string, string>> | undefined): EncodedEvent {
  return { subject: prepared.subject, id: prepared.id, headers: eventHeaders(prepared.attributes, extra), body: prepared.body };
}

/** The type and version a message's headers announce; undefined when it has none. */
export function announcedType(headers: HeaderLookup | undefined): { type: string; version: number } | undefined {
  const type = readHeader(headers, Header.type);
  const version = Number(readHeader(headers, Header.eventVersion) ?? "1");
  if (type === undefined || !Number.isInteger(version) || version < 1) return undefined;
  return { type, version };
}

/** A decoded message: the contract its headers name and its JSON, validated against that contract. */
export interface DecodedEvent {
  readonly contract: EventContract;
  readonly json: JsonObject;
}

/**
 * Decode a message: find the contract its headers name (`announced`, when the caller has read it
 * already), parse the body, validate it. Throws
 * `DecodeError` (no type header, a spec version other than 1.0, not JSON), `UnknownEventError` or `ValidationError`: all of them
 * mean the message can never be handled.
 */
export function decodeMessage(subject: string, headers: HeaderLookup | undefined, body: Uint8Array, registry: Registry, announced = announcedType(headers)): DecodedEvent {
  const specVersion = readHeader(headers, Header.specVersion);
  if (specVersion === undefined) {
    throw new DecodeError(subject, `it has no "${Header.specVersion}" header${headers === undefined ? " (no headers at all)" : ""}: not an event an evc producer published (they carry the CloudEvents ${cloudEventsVersion} headers)`);
  }
  if (specVersion !== cloudEventsVersion) throw new DecodeError(subject, `"${Header.specVersion}" is ${JSON.stringify(specVersion)}; the runtime reads CloudEvents ${cloudEventsVersion}`);
  if (announced === undefined) throw new DecodeError(subject, `no valid "${Header.type}" and "${Header.eventVersion}" headers`);
  const contract = registry.get(announced.type, announced.version);
  if (contract === undefined) throw new UnknownEventError(announced.type, announced.version, registry.versions(announced.type).map((c) => c.version));
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(body));
  } catch (error) {
    throw new DecodeError(subject, `the body is not UTF-8 JSON (${(error as Error).message})`, { cause: error });
  }
  if (!contract.validate(json)) throw new ValidationError(contract.type, contract.version, contract.validate.errors ?? []);
  return { contract, json: json as JsonObject };
}
