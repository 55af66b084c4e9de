import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ts } from "ts-morph";
import { describe, expect, test } from "vitest";
import { SourcePrinter } from "../../generator/emit/source-file.js";

const printer = new SourcePrinter();

/** The top-level declarations of a file that are not exported, by their first line. */
function unexportedDeclarations(text: string): string[] {
  const file = ts.createSourceFile("/x.ts", text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  return file.statements
    .filter((statement) => !ts.isImportDeclaration(statement) && !ts.isExportDeclaration(statement) && !ts.isExpressionStatement(statement))
    .filter((statement) => !(ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)))
    .map((statement) => statement.getText(file).split("\n")[0] ?? "");
}

describe("SourcePrinter", () => {
  test("puts export where each declaration starts, after its leading comments, and leaves other statements alone", () => {
    const text = printer.print({
      header: "// header\n",
      named: [{ from: "./b.js", names: ["B", "A"], typeOnly: true }],
      statements: [
        "/** A class; its comment says `class Fake {}` and */ /* a second comment */\nclass Thing {\n  constructor() {}\n}",
        "// a line comment\n// another\ninterface Shape {\n  readonly type: string;\n}",
        "type Alias = Shape | { const: 1 };",
        "const constant = { type: 1 } as const;",
        "function make(): Thing {\n  return new Thing();\n}",
        "enum Colour {\n  Red,\n}",
        'export * from "./elsewhere.js";',
        "export const already = 1;",
        'console.log("not a declaration");',
      ],
    });
    expect(text).toBe(
      [
        "// header",
        'import type { A, B } from "./b.js";',
        "",
        "/** A class; its comment says `class Fake {}` and */ /* a second comment */\nexport class Thing {\n  constructor() {}\n}",
        "",
        "// a line comment\n// another\nexport interface Shape {\n  readonly type: string;\n}",
        "",
        "export type Alias = Shape | { const: 1 };",
        "",
        "export const constant = { type: 1 } as const;",
        "",
        "export function make(): Thing {\n  return new Thing();\n}",
        "",
        "export enum Colour {\n  Red,\n}",
        "",
        'export * from "./elsewhere.js";',
        "",
        "export const already = 1;",
        "",
        'console.log("not a declaration");',
        "",
      ].join("\n"),
    );
    expect(unexportedDeclarations(text)).toEqual([]);
  });

  test("a name that only begins like a keyword is not a declaration", () => {
    const text = printer.print({ header: "", statements: ["typeof x;", "constructor();", "classify();"] });
    expect(text).toBe("typeof x;\n\nconstructor();\n\nclassify();\n");
  });

  test("every top-level declaration of the seed systems' SDK is exported", () => {
    const root = join(import.meta.dirname, "../../generated");
    const files = readdirSync(root, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts") && file !== "validators.ts");
    expect(files.length).toBeGreaterThan(100);
    const unexported = files.flatMap((file) => unexportedDeclarations(readFileSync(join(root, file), "utf8")).map((line) => `${file}: ${line}`));
    expect(unexported).toEqual([]);
  });
});
