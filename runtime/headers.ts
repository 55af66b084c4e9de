/**
 * Message headers of an event, following the binary content mode of the CloudEvents NATS protocol
 * binding (1.0.3, a work in progress: 1.0.2 is structured-only): each CloudEvents attribute in a
 * `ce-` header, the media type in `ce-datacontenttype` and in `content-type`, the event id also in
 * `Nats-Msg-Id` (JetStream's de-duplication), and the trace context the propagator writes (W3C
 * `traceparent`/`tracestate`, baggage, ...). String values are
 * percent-encoded as the binding asks (space, `"`, `%` and everything outside printable ASCII, as
 * UTF-8 bytes), and decoded after unquoting a double-quoted value, as it asks readers to.
 */
import type { JsMsg } from "@nats-io/jetstream";
import { MsgHdrsImpl, type MsgHdrs } from "@nats-io/transport-node";

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
}

/**
 * Build the headers of an event, `Nats-Msg-Id` (JetStream's de-duplication) and `extra` (trace
 * context, the event store's headers) included, so that the publish call adds none. The map is
 * filled in one pass: NATS.js's `append` searches every name already there for each new one.
 * CloudEvents values are percent-encoded; the message id and the extra values are written as they
 * are, after NATS.js's own check (no CR or LF).
 */
export function eventHeaders(attributes: EventAttributes, extra: Readonly<Record<string, string>> | undefined): MsgHdrs {
  const record: Record<string, string[]> = {
    [Header.msgId]: [MsgHdrsImpl.validHeaderValue(attributes.id)],
    [Header.contentType]: [eventContentType],
    [Header.dataContentType]: [eventContentType],
    [Header.specVersion]: [cloudEventsVersion],
    [Header.id]: [encodeValue(attributes.id)],
    [Header.source]: [encodeValue(attributes.source)],
    [Header.type]: [encodeValue(attributes.type)],
    [Header.eventVersion]: [String(attributes.version)],
    [Header.dataSchema]: [encodeValue(attributes.dataSchema)],
  };
  const optional: [string, string | undefined][] = [
    [Header.time, attributes.time],
    [Header.subject, attributes.subject],
    [Header.correlationId, attributes.correlationId],
    [Header.causationId, attributes.causationId],
  ];
  for (const [name, value] of optional) if (value !== undefined) record[name] = [encodeValue(value)];
  if (extra !== undefined) for (const name of Object.keys(extra)) record[name] = [MsgHdrsImpl.validHeaderValue(extra[name] as string)];
  return MsgHdrsImpl.fromRecord(record);
}

/** What headers are read through: NATS.js's `MsgHdrs`, or the runtime's `HeaderView`. */
export interface HeaderLookup {
  /** The first value of a header, `""` when absent. */
  get(name: string): string;
  /** The header names present. */
  keys(): string[];
}

/** Headers as NATS.js's `MsgHdrs`, to copy or send on: themselves when they are, else a copy of a lookup's (first value of each name); empty when there are none. */
export function asMsgHdrs(headers: HeaderLookup | undefined): MsgHdrs {
  if (headers instanceof MsgHdrsImpl) return headers;
  const copy = new MsgHdrsImpl();
  for (const name of headers?.keys() ?? []) copy.append(name, headers?.get(name) ?? "");
  return copy;
}

/** Read a header, decoded; undefined when absent or empty. */
export function readHeader(headers: HeaderLookup | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const value = headers.get(name);
  return value === "" ? undefined : decodeValue(value);
}

const headerDecoder = new TextDecoder();

/**
 * The headers of a received message, read from its header block: the block is decoded to text on
 * first use, and each lookup finds its line with one search, so a reader that wants three headers
 * of a dozen builds no others. NATS.js instead decodes the whole block on first access to
 * `headers`, in time quadratic in the number of headers (each is appended after a search of those
 * before it). Names match exactly and the first value of a name counts, as with NATS.js's `get`;
 * values are trimmed.
 */
export class HeaderView implements HeaderLookup {
  readonly #block: Uint8Array;
  #text: string | undefined;

  constructor(block: Uint8Array) {
    this.#block = block;
  }

  get(name: string): string {
    const text = this.#decoded();
    // Values hold no CR or LF, so a name followed by ":" right after a line break starts a header line.
    const at = text.indexOf(lineStart(name));
    if (at === -1) return "";
    const start = at + name.length + 3;
    const end = text.indexOf("\r\n", start);
    return (end === -1 ? text.slice(start) : text.slice(start, end)).trim();
  }

  keys(): string[] {
    const names: string[] = [];
    for (const line of this.#decoded().split("\r\n").slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0 && !names.includes(line.slice(0, colon))) names.push(line.slice(0, colon));
    }
    return names;
  }

  #decoded(): string {
    this.#text ??= headerDecoder.decode(this.#block);
    return this.#text;
  }
}

const lineStarts = new Map<string, string>();

/** `\r\n<name>:`, kept for the few names the runtime reads (any name works; the cache stops growing at 64). */
function lineStart(name: string): string {
  let start = lineStarts.get(name);
  if (start === undefined) {
    start = `\r\n${name}:`;
    if (lineStarts.size < 64) lineStarts.set(name, start);
  }
  return start;
}

/** What NATS.js keeps of a received message (not part of its typed API; `messageHeaders` falls back when it changes). */
interface ReceivedMsgInternals {
  readonly msg?: { readonly _msg?: { readonly hdr?: unknown }; readonly _rdata?: unknown };
}

/**
 * The headers of a JetStream message, read lazily from its raw header block (`HeaderView`) when
 * NATS.js exposes it as it does in 3.x, else NATS.js's own decoded headers; undefined when it has none.
 */
export function messageHeaders(message: JsMsg): HeaderLookup | undefined {
  const raw = (message as unknown as ReceivedMsgInternals).msg;
  const length = raw?._msg?.hdr;
  const data = raw?._rdata;
  if (typeof length === "number" && data instanceof Uint8Array) return length > 0 ? new HeaderView(data.subarray(0, length)) : undefined;
  return message.headers;
}

/** Every value of a header block as a name and value, in order: a name with several values once per value. */
export function headerPairs(headers: MsgHdrs | undefined): [string, string][] {
  return [...(headers ?? [])].flatMap(([name, values]) => values.map((value): [string, string] => [name, value]));
}

/** The size of a NATS header block holding these headers, as NATS.js encodes it: `NATS/1.0`, a `name: value` line per value, a blank line. */
export function headerBlockBytes(headers: readonly (readonly [string, string])[]): number {
  return headers.reduce((total, [name, value]) => total + Buffer.byteLength(name) + Buffer.byteLength(value) + 4, "NATS/1.0\r\n\r\n".length);
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
