/**
 * Message headers of an event, following the CloudEvents NATS binding in binary content mode: each
 * CloudEvents attribute in a `ce-` header, the media type in `content-type`, the event id also in
 * `Nats-Msg-Id` (JetStream's de-duplication), W3C `traceparent`/`tracestate`. Values are
 * percent-encoded like the CloudEvents HTTP binding, so that no value can break a header line.
 */
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";

/** The header names the runtime writes and reads. */
export const Header = {
  msgId: "Nats-Msg-Id",
  contentType: "content-type",
  specVersion: "ce-specversion",
  id: "ce-id",
  source: "ce-source",
  type: "ce-type",
  time: "ce-time",
  subject: "ce-subject",
  dataSchema: "ce-dataschema",
  /** The version of the event type (a CloudEvents extension attribute). */
  eventVersion: "ce-eventversion",
  correlationId: "ce-correlationid",
  causationId: "ce-causationid",
  traceparent: "traceparent",
  tracestate: "tracestate",
} as const;

/** The CloudEvents specification version the runtime writes and reads. */
export const cloudEventsVersion = "1.0";

/** The CloudEvents attributes and extensions of one event. */
export interface EventAttributes {
  readonly id: string;
  readonly type: string;
  readonly version: number;
  readonly source: string;
  readonly time: string | undefined;
  readonly subject: string | undefined;
  readonly dataSchema: string;
  readonly correlationId: string | undefined;
  readonly causationId: string | undefined;
  readonly traceparent: string | undefined;
  readonly tracestate: string | undefined;
}

/**
 * Build the headers of an event. `Nats-Msg-Id` is left to the publish call (its `msgID` option), so
 * that it is written once. Each name is new, so values are appended: `set` would first search for
 * the name among those already there.
 */
export function eventHeaders(attributes: EventAttributes): MsgHdrs {
  const headers = natsHeaders();
  headers.append(Header.contentType, "application/json");
  headers.append(Header.specVersion, cloudEventsVersion);
  headers.append(Header.id, encodeValue(attributes.id));
  headers.append(Header.source, encodeValue(attributes.source));
  headers.append(Header.type, encodeValue(attributes.type));
  headers.append(Header.eventVersion, String(attributes.version));
  headers.append(Header.dataSchema, encodeValue(attributes.dataSchema));
  const optional: [string, string | undefined][] = [
    [Header.time, attributes.time],
    [Header.subject, attributes.subject],
    [Header.correlationId, attributes.correlationId],
    [Header.causationId, attributes.causationId],
    [Header.traceparent, attributes.traceparent],
    [Header.tracestate, attributes.tracestate],
  ];
  for (const [name, value] of optional) if (value !== undefined) headers.append(name, encodeValue(value));
  return headers;
}

/** Read a header, decoded; undefined when absent or empty. */
export function readHeader(headers: MsgHdrs | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const value = headers.get(name);
  return value === "" ? undefined : decodeValue(value);
}

/** The `dataschema` of a contract: a URN naming system, type and version. */
export function dataSchemaOf(system: string, type: string, version: number): string {
  return `urn:evc:${encodeURIComponent(system)}:${encodeURIComponent(type)}:v${version}`;
}

const needsEncoding = /[^\x21-\x24\x26-\x7e ]/u;

/** Percent-encode what may not stand in a header value: `%`, controls, and non-ASCII (UTF-8 bytes). */
export function encodeValue(value: string): string {
  if (!needsEncoding.test(value)) return value;
  let out = "";
  for (const char of value) {
    if (!needsEncoding.test(char)) out += char;
    else for (const byte of new TextEncoder().encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Undo `encodeValue`; text that is not valid percent-encoding is returned as it is. */
export function decodeValue(value: string): string {
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
