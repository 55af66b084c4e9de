import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { generate } from "@evc/cli";
import { corpus, corpusEntries, parserAccepts } from "../helpers/corpus.js";
import { specWorkspace } from "../helpers/spec-workspace.js";
import { typecheck } from "../helpers/typecheck.js";

describe("generator - real documents", () => {
  test(
    "every public document the parser accepts generates TypeScript that passes tsc --strict, with no anonymous names",
    async () => {
      const entries = corpusEntries();
      expect(entries.length).toBe(37);
      using ws = specWorkspace();
      const accepted: string[] = [];
      const failures: string[] = [];
      for (const { name, entry } of entries) {
        if (!(await parserAccepts(entry))) continue;
        accepted.push(name);
        try {
          // Run from the document's own folder, as its authors would: a document in a subfolder $refs files beside that folder.
          const result = await generate({ specs: entry, out: join(ws.dir, "out", name), upcasters: join(ws.dir, "upcasters", name), cwd: join(corpus, name), allowRemoteRefs: true });
          expect(result.model.events.length).toBeGreaterThan(0);
        } catch (error) {
          failures.push(`${name}: ${(error as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
      expect(accepted.length).toBeGreaterThanOrEqual(35);
      const files = readdirSync(join(ws.dir, "out"), { recursive: true, withFileTypes: true })
        .filter((file) => file.isFile() && file.name.endsWith(".ts"))
        .map((file) => join(file.parentPath, file.name));
      expect(files.length).toBeGreaterThan(accepted.length * 3);
      expect(typecheck(files)).toEqual([]);
      const anonymous = files.filter((file) => /Anonymous/i.test(readFileSync(file, "utf8")));
      expect(anonymous).toEqual([]);
    },
    300_000,
  );
});
