/**
 * Message headers of an event, following the binary content mode of the CloudEvents NATS protocol
 * binding (1.0.3, a work in progress: 1.0.2 is structured-only): each CloudEvents attribute in a
 * `ce-` header, the media type in `ce-datacontenttype` and in `content-type`, the event id also in
 * `Nats-Msg-Id` (JetStream's de-duplication), W3C `traceparent`/`tracestate`. String values are
 * percent-encoded as the binding asks (space, `"`, `%` and everything outside printable ASCII, as
 * UTF-8 bytes), and decoded after unquoting a double-quoted value, as it asks readers to.
 */
import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";

/** The header names the runtime writes and reads. */
export const Header = {
  msgId: "Nats-Msg-Id",
  contentType: "content-type",
  dataContentType: "ce-datacontenttype",
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

/** The media type of every event body. */
const eventContentType = "application/json";

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
  headers.append(Header.contentType, eventContentType);
  headers.append(Header.dataContentType, eventContentType);
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

/** What the binding says to percent-encode: space, `"`, `%`, and everything outside printable ASCII. */
const needsEncoding = /[^\x21\x23\x24\x26-\x7e]/u;
const encoder = new TextEncoder();

/** Percent-encode a header value as the CloudEvents NATS binding asks (UTF-8 bytes, upper-case hex). */
export function encodeValue(value: string): string {
  if (!needsEncoding.test(value)) return value;
  let out = "";
  for (const char of value) {
    if (!needsEncoding.test(char)) out += char;
    else for (const byte of encoder.encode(char)) out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** Undo `encodeValue`, after unquoting a double-quoted value (older writers); text that is not valid percent-encoding is returned as it is. */
export function decodeValue(value: string): string {
  const unquoted = value.length >= 2 && value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1).replace(/\\(.)/gu, "$1") : value;
  if (!unquoted.includes("%")) return unquoted;
  try {
    return decodeURIComponent(unquoted);
  } catch {
    return unquoted;
  }
}
