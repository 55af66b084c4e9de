import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { DiagnosticSink } from "./diagnostics.js";
import { forEachMapping, stringOf } from "./yaml-read.js";
import type { SourceFile, SourceFiles } from "./sources.js";

/**
 * Walk every `$ref` a document reaches, before the parser sees it: load each referenced file through
 * the guarded YAML reader (so an alias bomb in a referenced file is caught too), report files that do
 * not exist, and refuse remote references unless they are allowed. Returns every file the document
 * reaches (itself first), or undefined when it must not be handed to the parser.
 */
export function checkReferences(root: SourceFile, sources: SourceFiles, sink: DiagnosticSink, allowRemote: boolean): readonly SourceFile[] | undefined {
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
      if (target === "") continue;
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
      if (!existsSync(path)) {
        sink.error("evc-unresolved-ref", `cannot resolve $ref "${reference.value}": "${sources.display(path)}" does not exist`, location);
        ok = false;
        continue;
      }
      const loaded = sources.load(path, sink);
      if (loaded === undefined) ok = false;
      else pending.push(loaded);
    }
  }
  return ok ? [...visited.values()] : undefined;
}

interface Reference {
  readonly value: string;
  readonly line: number;
  readonly column: number;
}

function referencesIn(file: SourceFile): Reference[] {
  const found: Reference[] = [];
  forEachMapping(file.root, (mapping) => {
    const value = stringOf(mapping.value);
    if (stringOf(mapping.key) === "$ref" && value !== undefined) found.push({ value, ...file.lines.at(mapping.value.startPosition) });
  });
  return found;
}
