import { readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { fileSlug } from "./naming.js";

const specExtensions = new Set([".yaml", ".yml", ".json"]);

/** A spec document to read, and the name of the system it declares. */
export interface DocumentEntry {
  readonly path: string;
  readonly system: string;
}

/**
 * The documents under `specs`: the file itself, or every YAML/JSON file of the folder and its subfolders
 * that starts an AsyncAPI document (has a root `asyncapi` field; others are `$ref` targets). Sorted by path.
 */
export function discoverDocuments(specs: string, cwd: string, isDocument: (path: string) => boolean): DocumentEntry[] {
  const root = resolve(cwd, specs);
  const files = statSync(root).isDirectory() ? listFiles(root).filter(isDocument) : [root];
  return nameSystems(files.sort(), statSync(root).isDirectory() ? root : dirname(root));
}

function listFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith(".") && entry.name !== "node_modules")
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return specExtensions.has(extname(entry.name).toLowerCase()) ? [path] : [];
    });
}

/** A system is named after its file; where two files share a name, after their folders too. */
function nameSystems(files: readonly string[], root: string): DocumentEntry[] {
  const stems = files.map((path) => fileSlug(basename(path, extname(path))));
  return files.map((path, index) => {
    const stem = stems[index] as string;
    const unique = stems.filter((other) => other === stem).length === 1;
    const rel = relative(root, path);
    const system = unique ? stem : fileSlug(rel.slice(0, rel.length - extname(rel).length).replace(/[\\/]asyncapi$/i, ""));
    return { path, system };
  });
}
