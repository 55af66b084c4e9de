/**
 * Hand-written upcasters (`upcast: function` in the spec) and downcasters (`downcast: function`) live
 * in `upcasters/<system>/<type>.ts`. The generator creates each file with a typed signature to fill in, adds signatures that are missing,
 * and keeps every signature's types in step with the specs, editing the syntax tree with ts-morph:
 * a body someone wrote is never touched. It also finds what would fail later: a stub still unwritten
 * (events of that version would be dead-lettered), and upcasters of versions the specs no longer have
 * (they import deleted files); an unwritten one of those is removed, a written one is reported.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { IndentationText, Node, Project, QuoteKind, SyntaxKind, type FunctionDeclaration, type ImportDeclaration, type ImportSpecifier, type SourceFile } from "./ts-morph.js";
import type { SpecDiagnostic } from "../diagnostics.js";
import type { ContractModel, EventModel } from "../model.js";
import { className, commentQuote, singleLine } from "../naming.js";
import { displayPath } from "../paths.js";
import { jsonTypeName } from "./event-class.js";
import { downcasterName, upcasterName } from "./event-file.js";
import { eventFile, specifierBetween, upcasterFile, type Layout } from "./layout.js";

/** Upcaster files to write, by absolute path, with their full text (unchanged files included). */
export type UpcasterFiles = Map<string, string>;

/** The upcaster files, and what in them would fail at run time or at compile time. */
export interface UpcasterPlan {
  readonly files: UpcasterFiles;
  /** Unwritten stubs and upcasters of removed versions, each at its file and line (as the files will be written). */
  readonly findings: readonly SpecDiagnostic[];
}

/** The name of every function the generator writes as an upcaster or a downcaster, whatever version it is for. */
const upcasterNamePattern = /^(up|down)cast\w+V\d+ToV\d+$/;

/** One hand-written function a spec asks for: an upcast to `to` from the version before, or a downcast from `from` to it. */
interface HandWritten {
  readonly name: string;
  readonly type: string;
  readonly from: EventModel;
  readonly to: EventModel;
  readonly doc: string;
  /** What fails while it is not written. */
  readonly consequence: string;
}

/** The hand-written functions an event version asks for. */
function handWrittenOf(event: EventModel): HandWritten[] {
  const previous = previousOf(event);
  // Quoted for the doc comment it goes into: a type name is spec text, which may hold "*/".
  const type = commentQuote(event.type);
  return [
    ...(event.upcast.kind === "function"
      ? [{ name: upcasterName(event), type: event.type, from: previous, to: event, doc: `Turn a ${type} v${previous.version} event into a v${event.version} one.`, consequence: `v${previous.version} events cannot be read as v${event.version}` }]
      : []),
    ...(event.downcast.kind === "function"
      ? [
          {
            name: downcasterName(event),
            type: event.type,
            from: event,
            to: previous,
            doc: `Turn a ${type} v${event.version} event into the shape of v${previous.version}, for consumers still on v${previous.version} (the fields v${previous.version} does not declare are dropped after it).`,
            consequence: `v${event.version} events cannot be read by consumers of v${previous.version}`,
          },
        ]
      : []),
  ];
}

/** Bring every upcaster file in line with the model, keeping hand-written bodies; `cwd` is where findings' paths start. */
export function emitUpcasters(model: ContractModel, layout: Layout, cwd: string): UpcasterPlan {
  const project = new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    manipulationSettings: { quoteKind: QuoteKind.Double, indentationText: IndentationText.TwoSpaces },
  });
  const byFile = new Map<string, HandWritten[]>();
  for (const event of model.events) {
    const wanted = handWrittenOf(event);
    if (wanted.length === 0) continue;
    const path = upcasterFile(layout, event);
    byFile.set(path, [...(byFile.get(path) ?? []), ...wanted]);
  }
  const paths = [...new Set([...byFile.keys(), ...listUpcasterFiles(layout.upcastersDir)])].sort();
  const files: UpcasterFiles = new Map();
  const findings: SpecDiagnostic[] = [];
  for (const path of paths) {
    const functions = byFile.get(path) ?? [];
    const existing = existsSync(path) ? readFileSync(path, "utf8") : undefined;
    const file = project.createSourceFile(`/upcaster-${files.size}.ts`, existing ?? newFile(functions, layout, path), { overwrite: true });
    for (const fn of functions) keepSignature(file, fn, layout, path);
    const removed = removeUnwrittenLeftovers(file, new Set(functions.map((fn) => fn.name)));
    if (functions.length > 0 || removed) files.set(path, file.getFullText());
    findings.push(...findProblems(file, functions, displayPath(cwd, path)));
  }
  return { files, findings };
}

/** The `.ts` files below the upcasters folder, absolute. */
function listUpcasterFiles(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The statement of a generated stub; while a function's body is only this, the function is not written. */
function stubStatement(fn: HandWritten): string {
  return `throw new Error(${JSON.stringify(`${fn.name} is not written yet: write how a v${fn.from.version} event becomes a v${fn.to.version} one`)});`;
}

/** True while a function is what the generator wrote: one `throw` saying it is not written yet. */
function isUnwritten(fn: FunctionDeclaration): boolean {
  const statements = fn.getStatements();
  const only = statements[0];
  return statements.length === 1 && only !== undefined && Node.isThrowStatement(only) && only.getText().includes(" is not written yet: ");
}

/** Upcasters the model no longer asks for. */
function leftovers(file: SourceFile, wanted: ReadonlySet<string>): FunctionDeclaration[] {
  return file.getFunctions().filter((fn) => upcasterNamePattern.test(fn.getName() ?? "") && !wanted.has(fn.getName() ?? ""));
}

/**
 * Remove the unwritten stubs of removed versions (nothing of anyone's is lost) and the type imports
 * only they used; returns whether anything was removed.
 */
function removeUnwrittenLeftovers(file: SourceFile, wanted: ReadonlySet<string>): boolean {
  const unwritten = leftovers(file, wanted).filter(isUnwritten);
  for (const fn of unwritten) fn.remove();
  if (unwritten.length === 0) return false;
  const used = new Set(
    file
      .getDescendantsOfKind(SyntaxKind.Identifier)
      .filter((identifier) => identifier.getFirstAncestorByKind(SyntaxKind.ImportDeclaration) === undefined)
      .map((identifier) => identifier.getText()),
  );
  for (const declaration of file.getImportDeclarations()) removeNamedImports(declaration, declaration.getNamedImports().filter((named) => !used.has(named.getName())));
  if (file.getStatements().length === 0) file.addStatements("export {};");
  return true;
}

/** Unwritten stubs of current versions, and written upcasters of removed ones, as error diagnostics at their function. */
function findProblems(file: SourceFile, functions: readonly HandWritten[], shownPath: string): SpecDiagnostic[] {
  const at = (fn: FunctionDeclaration) => {
    const { line, column } = file.getLineAndColumnAtPos(fn.getStart());
    return { file: shownPath, line, column };
  };
  const unwritten = functions.flatMap((wanted) => {
    const fn = file.getFunction(wanted.name);
    if (fn === undefined || !isUnwritten(fn)) return [];
    const message = `${wanted.name} is not written yet: "${singleLine(wanted.type)}" ${wanted.consequence} until it is (write its body)`;
    return [{ severity: "error" as const, code: "evc-unwritten-upcaster", message, location: at(fn) }];
  });
  const removed = leftovers(file, new Set(functions.map((fn) => fn.name))).map((fn) => ({
    severity: "error" as const,
    code: "evc-upcaster-of-removed-version",
    message: `${fn.getName() ?? ""} ${(fn.getName() ?? "").startsWith("down") ? "downcasts from a version the specs no longer declare with `downcast: function`" : "upcasts to a version the specs no longer declare with `upcast: function`"}; delete it (it imports generated types that are gone)`,
    location: at(fn),
  }));
  return [...unwritten, ...removed];
}

/** A new upcaster file: a header saying whose it is, and the type imports its signatures need. */
function newFile(functions: readonly HandWritten[], layout: Layout, path: string): string {
  const first = functions[0] as HandWritten;
  const imports = functions.flatMap((fn) => [fn.from, fn.to]).map((event) => `import type { ${jsonTypeName(event)} } from ${JSON.stringify(generatedSpecifier(layout, path, event))};`);
  return [
    `// Upcasters of ${commentQuote(first.type)}, written by hand: \`evc generate\` created this file and keeps the`,
    "// signatures in step with the specs, but never touches a function body.",
    ...[...new Set(imports)],
    "",
  ].join("\n");
}

function previousOf(event: EventModel): EventModel {
  return { ...event, version: event.version - 1, className: className(event.type, event.version - 1) };
}

function keepSignature(file: SourceFile, fn: HandWritten, layout: Layout, path: string): void {
  const { name } = fn;
  const from = jsonTypeName(fn.from);
  const to = jsonTypeName(fn.to);
  importTypes(file, generatedSpecifier(layout, path, fn.from), from);
  importTypes(file, generatedSpecifier(layout, path, fn.to), to);
  const existing = file.getFunction(name);
  if (existing === undefined) {
    file.addFunction({
      isExported: true,
      name,
      docs: [fn.doc],
      parameters: [{ name: "event", type: from }],
      returnType: to,
      statements: [stubStatement(fn)],
    });
    return;
  }
  existing.setIsExported(true);
  const parameter = existing.getParameters()[0];
  if (parameter === undefined) existing.addParameter({ name: "event", type: from });
  else if (parameter.getTypeNode()?.getText() !== from) parameter.setType(from);
  if (existing.getReturnTypeNode()?.getText() !== to) existing.setReturnType(to);
}

/**
 * Import a generated type from `specifier`; an import of the same name from anywhere else (the output
 * folder moved) is taken out, so that the name is never imported twice.
 */
function importTypes(file: SourceFile, specifier: string, name: string): void {
  for (const other of file.getImportDeclarations().filter((d) => d.getModuleSpecifierValue() !== specifier)) {
    removeNamedImports(other, other.getNamedImports().filter((named) => named.getName() === name && named.getAliasNode() === undefined));
  }
  const declaration = file.getImportDeclaration((d) => d.getModuleSpecifierValue() === specifier);
  if (declaration === undefined) {
    file.addImportDeclaration({ moduleSpecifier: specifier, isTypeOnly: true, namedImports: [name] });
  } else if (!declaration.getNamedImports().some((named) => named.getName() === name)) {
    declaration.addNamedImport(name);
  }
}

/** Take named imports out of their declaration, and the declaration with them when they were all it imported. */
function removeNamedImports(declaration: ImportDeclaration, named: readonly ImportSpecifier[]): void {
  if (named.length === 0) return;
  if (named.length === declaration.getNamedImports().length && declaration.getDefaultImport() === undefined && declaration.getNamespaceImport() === undefined) declaration.remove();
  else for (const specifier of named) specifier.remove();
}

function generatedSpecifier(layout: Layout, upcasterPath: string, event: EventModel): string {
  return specifierBetween(upcasterPath, join(layout.outDir, eventFile(event)));
}
