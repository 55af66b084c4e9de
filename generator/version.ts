/** Where the tool package is installed, and its version, wherever it runs from (sources or `dist/`). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const toolPackage = "@evc/cli";

function findRoot(): { root: string; version: string } {
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
      if (json.name === toolPackage && json.version !== undefined) return { root: folder, version: json.version };
    }
    if (dirname(folder) === folder) throw new Error(`the package.json of ${toolPackage} is missing above ${fileURLToPath(import.meta.url)}`);
  }
}

const found = findRoot();

/** The version of evc, as `evc --version` prints it and generated headers name it. */
export const toolVersion: string = found.version;

/** The absolute path of a file the tool package ships (`config.schema.json`, `init/templates`). */
export function toolFile(path: string): string {
  return join(found.root, path);
}
