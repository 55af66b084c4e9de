/** The version of the tool, read from its own package.json wherever it runs from (sources or `dist/`). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const toolPackage = "@evc/cli";

function findVersion(): string {
  for (let folder = dirname(fileURLToPath(import.meta.url)); ; folder = dirname(folder)) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest)) {
      const json = JSON.parse(readFileSync(manifest, "utf8")) as { name?: string; version?: string };
      if (json.name === toolPackage && json.version !== undefined) return json.version;
    }
    if (dirname(folder) === folder) throw new Error(`the package.json of ${toolPackage} is missing above ${fileURLToPath(import.meta.url)}`);
  }
}

/** The version of evc, as `evc --version` prints it and generated headers name it. */
export const toolVersion: string = findVersion();
