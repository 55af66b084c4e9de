import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, test } from "vitest";

const repository = resolve(import.meta.dirname, "../..");

/** Every module of a package folder (not its dist/ nor its templates) and the modules of the same folder it imports, types included. */
function importGraph(folder: string): Map<string, string[]> {
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !/\/(dist|node_modules|templates)\//.test(relative(repository, file)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const imported = ts
      .preProcessFile(readFileSync(file, "utf8"), true, true)
      .importedFiles.map((entry) => entry.fileName)
      .filter((specifier) => specifier.startsWith("."))
      .map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, ".ts"));
    graph.set(file, imported);
  }
  return graph;
}

/** The first import cycle found, as paths relative to the repository; undefined when there is none. */
function findCycle(graph: Map<string, string[]>): string[] | undefined {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string): string[] | undefined => {
    if (state.get(file) === "done") return undefined;
    if (state.get(file) === "open") return [...stack.slice(stack.indexOf(file)), file].map((path) => relative(repository, path));
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      const cycle = visit(next);
      if (cycle !== undefined) return cycle;
    }
    stack.pop();
    state.set(file, "done");
    return undefined;
  };
  for (const file of graph.keys()) {
    const cycle = visit(file);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

describe("package structure", () => {
  test.each(["runtime", "generator"])("%s/ has no import cycle, type imports included", (folder) => {
    const graph = importGraph(join(repository, folder));
    expect(graph.size).toBeGreaterThan(10);
    expect(findCycle(graph)).toBeUndefined();
  });

  test("the cycle finder finds a cycle", () => {
    const graph = new Map([
      ["/a.ts", ["/b.ts"]],
      ["/b.ts", ["/c.ts"]],
      ["/c.ts", ["/a.ts"]],
    ]);
    expect(findCycle(graph)).toHaveLength(4);
  });

  test("no module of runtime/ or generator/ reaches into another package by a relative path", () => {
    for (const folder of ["runtime", "generator"]) {
      for (const [file, imports] of importGraph(join(repository, folder))) {
        const outside = imports.filter((target) => !target.startsWith(join(repository, folder) + "/"));
        expect({ file: relative(repository, file), outside }).toEqual({ file: relative(repository, file), outside: [] });
      }
    }
  });
});
