/** Names in generated code: derived from spec text, always valid, never able to inject code. */

const words = /[A-Za-z0-9]+/g;

/** `record-created` → `RecordCreated`, `model.version.added` → `ModelVersionAdded`, `lightMeasured` → `LightMeasured`. */
export function pascalCase(text: string): string {
  const parts = text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .match(words);
  return (parts ?? []).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join("");
}

/** A PascalCase type name for text, never empty and never starting with a digit. */
export function typeName(text: string, fallback = "Schema"): string {
  const name = pascalCase(text);
  if (name === "") return fallback;
  return /^[0-9]/.test(name) ? `${fallback}${name}` : name;
}

/**
 * Whether a name is one of evc's model names as they are: a PascalCase identifier that `typeName`
 * leaves unchanged. Modelina is told to keep such names (its own rule renames `HTTPServerV1` to
 * `HttpServerV1` and `Delete` to `ReservedDelete`, which are not the names the SDK declares).
 */
export function isTypeName(name: string): boolean {
  return name !== "" && typeName(name) === name;
}

/** The name of an event type's union of versions, and of its handle: `RecordCreated`. */
export function unionName(type: string): string {
  return typeName(type, "Event");
}

/** The name of the union of every event of a system: `Integr8scodeEvent`. */
export function systemUnionName(system: string): string {
  return `${typeName(system, "System")}Event`;
}

/** The names the SDK's index declares for every event at once, which no event type's handle may take. */
export const indexNames: readonly string[] = ["AnyEvent", "LatestEvents", "EventVersions", "EventType"];

/** The class of an event version: `RecordCreatedV2`. */
export function className(type: string, version: number): string {
  return `${typeName(type, "Event")}V${version}`;
}

/** A file-name slug: `model.version.added` → `model-version-added`. */
export function fileSlug(text: string): string {
  const slug = text
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug === "" ? "event" : slug;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key for a TypeScript declaration: bare when it is an identifier, else a JSON string literal. */
export function propertyKey(name: string): string {
  return identifier.test(name) ? name : JSON.stringify(name);
}

/** Global names a generated model must not shadow, because generated code or its readers use them. */
export const reservedTypeNames: ReadonlySet<string> = new Set([
  "Array",
  "Boolean",
  "Date",
  "Error",
  "Function",
  "JSON",
  "Map",
  "Number",
  "Object",
  "Omit",
  "Partial",
  "Promise",
  "Readonly",
  "ReadonlyArray",
  "Record",
  "RegExp",
  "Set",
  "String",
  "Symbol",
]);

/** Escape text for a `/** … *\/` comment: no early close, no stray `@`-tags at line starts (unless `tags` allows them). */
export function docText(text: string, tags = false): string[] {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(/\*\//g, "*\\/")
    .replace(/\/\*/g, "/\\*")
    .split("\n")
    .map((line) => (tags ? line.trimEnd() : line.trimEnd().replace(/^(\s*)@/, "$1\\@")));
}

/**
 * Render a JSDoc block from paragraphs of spec text (empty ones dropped) and trailing `@` tags of
 * ours, indented by `indent`; one line when it fits.
 */
export function docComment(paragraphs: readonly (string | undefined)[], indent = "", tags: readonly string[] = []): string {
  const blocks = [
    ...paragraphs.filter((paragraph): paragraph is string => paragraph !== undefined && paragraph.trim() !== "").map((paragraph) => docText(paragraph.trim())),
    ...(tags.length > 0 ? [tags.flatMap((tag) => docText(tag, true))] : []),
  ];
  const lines = blocks.flatMap((block, index) => (index === 0 ? block : ["", ...block]));
  if (lines.length === 0) return "";
  if (lines.length === 1 && indent.length + (lines[0] as string).length <= 110) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line === "" ? "" : ` ${line}`}`).join("\n")}\n${indent} */\n`;
}

/** Text safe inside a `//` line comment: line terminators and control characters become spaces. */
export function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ");
}

/**
 * A string of the specs (an event type, a system or operation name) quoted for a comment of generated
 * code, block or line: JSON-quoted, on one line, and unable to close a block comment (`*\/`).
 */
export function commentQuote(text: string): string {
  return singleLine(JSON.stringify(text)).replace(/\*\//g, "*\\/");
}
