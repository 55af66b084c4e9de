import { existsSync, realpathSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { escapePointerToken, isPlainObject } from "@evc/runtime/codegen";
import type { DiagnosticSink, SourceLocation } from "./diagnostics.js";
import { forEachMapping, stringOf } from "./yaml-read.js";
import type { YamlMap, YAMLMapping } from "@stoplight/yaml-ast-parser";
import { isWithin } from "./paths.js";
import { pointerTokens, type SourceFile, type SourceFiles } from "./sources.js";

/**
 * Walk every `$ref` a document reaches, before the parser sees it: load each referenced file through
 * the guarded YAML reader (so an alias bomb in a referenced file is caught too), report files that do
 * not exist and JSON pointers that lead nowhere in their file, each at the `$ref` that names it (the
 * parser reports a missing pointer where it was following a chain of references, often another
 * `$ref` that leads to this one), refuse remote references unless they are allowed, and files
 * outside the specs folder (a spec is input: it must not read other files of the machine into the SDK). Returns
 * every file the document reaches (itself first), or undefined when it must not be handed to the parser.
 */
export function checkReferences(root: SourceFile, sources: SourceFiles, sink: DiagnosticSink, allowRemote: boolean, specsFolder: string): readonly SourceFile[] | undefined {
  let ok = true;
  const visited = new Map<string, SourceFile>();
  const pending: SourceFile[] = [root];
  while (pending.length > 0) {
    const file = pending.pop() as SourceFile;
    if (visited.has(file.path)) continue;
    visited.set(file.path, file);
    for (const reference of referencesIn(file)) {
      const [target] = reference.value.split("#", 1) as [string];
      const location = { file: file.display, line: reference.line, column: reference.column };
      warnOfSiblings(reference, location, sink);
      if (target === "") {
        if (pointsAtDocument(file, reference, location, sink) || !pointerLeadsSomewhere(file, reference, true, location, sink)) ok = false;
        continue;
      }
      if (/^(https?:)?\/\//i.test(target)) {
        if (!allowRemote) {
          sink.error("evc-remote-ref", `remote $ref "${reference.value}" is not fetched; pass --allow-remote-refs to let the parser fetch it`, location);
          ok = false;
        }
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) && !/^file:/i.test(target)) {
        sink.error("evc-unsupported-ref", `$ref "${reference.value}" uses a scheme the generator does not read`, location);
        ok = false;
        continue;
      }
      const path = resolve(dirname(file.path), decodeURI(target.replace(/^file:\/\//i, "")));
      if (!isWithinFollowingLinks(specsFolder, path)) {
        const folder = sources.display(specsFolder);
        sink.error("evc-ref-outside", `$ref "${reference.value}" leads out of the specs folder "${folder === "" ? "." : folder}"; only files below it are read, so that a spec cannot copy other files of the machine into the SDK`, location);
        ok = false;
        continue;
      }
      if (!existsSync(path)) {
        sink.error("evc-unresolved-ref", `cannot resolve $ref "${reference.value}": "${sources.display(path)}" does not exist`, location);
        ok = false;
        continue;
      }
      const loaded = sources.load(path, sink);
      if (loaded === undefined || pointsAtDocument(loaded, reference, location, sink) || !pointerLeadsSomewhere(loaded, reference, loaded === file, location, sink)) ok = false;
      if (loaded !== undefined) pending.push(loaded);
    }
  }
  return ok ? [...visited.values()] : undefined;
}

/** Whether `path` is `folder` or below it, as written and, where it exists, once symbolic links are followed. */
function isWithinFollowingLinks(folder: string, path: string): boolean {
  return isWithin(folder, path) && (!existsSync(path) || isWithin(realpathSync(folder), realpathSync(path)));
}

/**
 * Whether the JSON pointer of a `$ref` finds a value in `file` (or cannot be told here); if not, reports
 * it at the `$ref`. `local` is true when the `$ref` points into the file it is written in: there the
 * parser follows a `$ref` the pointer passes through, which it does not inside another file.
 */
function pointerLeadsSomewhere(file: SourceFile, reference: Reference, local: boolean, location: SourceLocation, sink: DiagnosticSink): boolean {
  const hash = reference.value.indexOf("#");
  const fragment = fragmentOf(reference);
  if (!fragment.startsWith("/")) return true;
  let tokens: string[];
  try {
    tokens = pointerTokens(fragment);
  } catch {
    return true; // A malformed escape: the parser says what is wrong with it.
  }
  const step = missingStep(file.json, tokens);
  if (step === undefined || (step.kind === "through-ref" && local)) return true;
  const cannot = `cannot resolve $ref "${reference.value}"`;
  if (step.kind === "through-ref") {
    const past = step.ref.startsWith("#/") ? `; point past it: "${reference.value.slice(0, hash)}${step.ref}${step.rest.map((token) => `/${escapePointerToken(token)}`).join("")}"` : "";
    sink.error("evc-unresolved-ref", `${cannot}: in "${file.display}", /${step.under.join("/")} is itself a $ref ("${step.ref}"), which the AsyncAPI parser does not follow inside a pointer into another file${past}`, location);
    return false;
  }
  const there = step.present.length === 0 ? "" : ` (it has ${step.present.slice(0, 8).map((key) => `"${key}"`).join(", ")}${step.present.length > 8 ? ", ..." : ""})`;
  sink.error("evc-unresolved-ref", `${cannot}: "${file.display}" has no "${step.token}" at /${step.under.join("/")}${there}`, location);
  return false;
}

/**
 * Whether a `$ref` names the whole of an AsyncAPI document (`#` in it, or its file); if so, reports it at
 * the `$ref`. There is no schema there: the parser put the whole document in the payload, and
 * rendering it crashed. A payload that refers to itself (`#` meant as JSON Schema's root) is the usual slip.
 */
function pointsAtDocument(file: SourceFile, reference: Reference, location: SourceLocation, sink: DiagnosticSink): boolean {
  if (fragmentOf(reference) !== "" || !isPlainObject(file.json) || !("asyncapi" in file.json)) return false;
  sink.error(
    "evc-document-ref",
    `$ref "${reference.value}" points at the whole AsyncAPI document "${file.display}", not at a schema: in an AsyncAPI document "#" is the document's root, not the payload's; for a recursive schema, declare it under components/schemas and refer to it there ("#/components/schemas/<Name>")`,
    location,
  );
  return true;
}

/** The JSON pointer of a `$ref`: what follows its `#`, empty when it has none. */
function fragmentOf(reference: Reference): string {
  const hash = reference.value.indexOf("#");
  return hash === -1 ? "" : reference.value.slice(hash + 1);
}

/** Where a JSON pointer stops short in a value: a key or index that is not there, or a `$ref` it would have to go through. */
type PointerStop =
  | { readonly kind: "missing"; readonly under: readonly string[]; readonly token: string; readonly present: readonly string[] }
  | { readonly kind: "through-ref"; readonly under: readonly string[]; readonly ref: string; readonly rest: readonly string[] };

/**
 * The first step of a JSON pointer that finds nothing in a value (the token, the tokens before it and
 * the keys of the object it looked in), or the `$ref` it reaches before its last token; undefined when
 * the pointer finds a value.
 */
function missingStep(value: unknown, tokens: readonly string[]): PointerStop | undefined {
  let node = value;
  for (const [index, token] of tokens.entries()) {
    if (isPlainObject(node) && typeof node["$ref"] === "string") return { kind: "through-ref", under: tokens.slice(0, index), ref: node["$ref"], rest: tokens.slice(index) };
    const next = Array.isArray(node) ? (/^(0|[1-9]\d*)$/.test(token) ? node[Number(token)] : undefined) : isPlainObject(node) && Object.hasOwn(node, token) ? node[token] : undefined;
    if (next === undefined) return { kind: "missing", under: tokens.slice(0, index), token, present: isPlainObject(node) ? Object.keys(node) : [] };
    node = next;
  }
  return undefined;
}

interface Reference {
  readonly value: string;
  readonly line: number;
  readonly column: number;
  /** The keys written beside it in its object, which the parser drops with the object. */
  readonly siblings: readonly string[];
}

function referencesIn(file: SourceFile): Reference[] {
  const found: Reference[] = [];
  forEachMapping(file.root, (mapping) => {
    const value = stringOf(mapping.value);
    if (stringOf(mapping.key) !== "$ref" || value === undefined) return;
    const siblings = ((mapping.parent as YamlMap | undefined)?.mappings ?? ([] as YAMLMapping[])).flatMap((other) => (other === mapping ? [] : [stringOf(other.key) ?? ""]));
    found.push({ value, siblings, ...file.lines.at(mapping.value.startPosition) });
  });
  return found;
}

/**
 * Warn at a `$ref` with keys beside it: the parser replaces the whole object with what it points to,
 * so a constraint written there (`maxLength: 3`) would silently not hold.
 */
function warnOfSiblings(reference: Reference, location: SourceLocation, sink: DiagnosticSink): void {
  if (reference.siblings.length === 0) return;
  const keys = reference.siblings.map((key) => `"${key}"`).join(", ");
  sink.warning(
    "evc-ref-siblings",
    `${keys} beside $ref "${reference.value}" ${reference.siblings.length === 1 ? "is" : "are"} ignored: the object is replaced by what it points to; to add to it, write allOf: [{ $ref: "${reference.value}" }, { ... }]`,
    location,
  );
}
