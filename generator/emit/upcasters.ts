/**
 * Hand-written upcasters (`upcast: function` in the spec) live in `upcasters/<system>/<type>.ts`. The
 * generator creates each file with a typed signature to fill in, adds signatures that are missing,
 * and keeps every signature's types in step with the specs, editing the syntax tree with ts-morph:
 * a body someone wrote is never touched.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IndentationText, Project, QuoteKind, type SourceFile } from "ts-morph";
import type { ContractModel, EventModel } from "../model.js";
import { className, singleLine } from "../naming.js";
import { jsonTypeName } from "./event-class.js";
import { upcasterName } from "./event-file.js";
import { eventFile, specifierBetween, upcasterFile, type Layout } from "./layout.js";

/** Upcaster files to write, by absolute path, with their full text (unchanged files included). */
export type UpcasterFiles = Map<string, string>;

/** Bring every upcaster file in line with the model, keeping hand-written bodies. */
export function emitUpcasters(model: ContractModel, layout: Layout): UpcasterFiles {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    manipulationSettings: { quoteKind: QuoteKind.Double, indentationText: IndentationText.TwoSpaces },
  });
  const byFile = new Map<string, EventModel[]>();
  for (const event of model.events) {
    if (event.upcast.kind !== "function") continue;
    const path = upcasterFile(layout, event);
    byFile.set(path, [...(byFile.get(path) ?? []), event]);
  }
  const files: UpcasterFiles = new Map();
  for (const [path, events] of [...byFile].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const existing = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    const file = project.createSourceFile(`/upcaster-${files.size}.ts`, existing ?? newFile(events, layout, path), { overwrite: true });
    for (const event of events) keepSignature(file, event, layout, path);
    files.set(path, file.getFullText());
  }
  return files;
}

/** A new upcaster file: a header saying whose it is, and the type imports its signatures need. */
function newFile(events: readonly EventModel[], layout: Layout, path: string): string {
  const first = events[0] as EventModel;
  const imports = events.flatMap((event) => [previousOf(event), event]).map((event) => `import type { ${jsonTypeName(event)} } from ${JSON.stringify(generatedSpecifier(layout, path, event))};`);
  return [
    `// Upcasters of ${singleLine(JSON.stringify(first.type))}, written by hand: \`evc generate\` created this file and keeps the`,
    "// signatures in step with the specs, but never touches a function body.",
    ...[...new Set(imports)],
    "",
  ].join("\n");
}

function previousOf(event: EventModel): EventModel {
  return { ...event, version: event.version - 1, className: className(event.type, event.version - 1) };
}

function keepSignature(file: SourceFile, event: EventModel, layout: Layout, path: string): void {
  const name = upcasterName(event);
  const previous = previousOf(event);
  const from = jsonTypeName(previous);
  const to = jsonTypeName(event);
  importTypes(file, generatedSpecifier(layout, path, previous), from);
  importTypes(file, generatedSpecifier(layout, path, event), to);
  const existing = file.getFunction(name);
  if (existing === undefined) {
    file.addFunction({
      isExported: true,
      name,
      docs: [`Turn a ${JSON.stringify(event.type)} v${event.version - 1} event into a v${event.version} one.`],
      parameters: [{ name: "event", type: from }],
      returnType: to,
      statements: [`throw new Error(${JSON.stringify(`${name} is not written yet: write how a v${event.version - 1} event becomes a v${event.version} one`)});`],
    });
    return;
  }
  existing.setIsExported(true);
  const parameter = existing.getParameters()[0];
  if (parameter === undefined) existing.addParameter({ name: "event", type: from });
  else if (parameter.getTypeNode()?.getText() !== from) parameter.setType(from);
  if (existing.getReturnTypeNode()?.getText() !== to) existing.setReturnType(to);
}

function importTypes(file: SourceFile, specifier: string, name: string): void {
  const declaration = file.getImportDeclaration((d) => d.getModuleSpecifierValue() === specifier);
  if (declaration === undefined) {
    file.addImportDeclaration({ moduleSpecifier: specifier, isTypeOnly: true, namedImports: [name] });
  } else if (!declaration.getNamedImports().some((named) => named.getName() === name)) {
    declaration.addNamedImport(name);
  }
}

function generatedSpecifier(layout: Layout, upcasterPath: string, event: EventModel): string {
  return specifierBetween(upcasterPath, join(layout.outDir, eventFile(event)));
}
