/**
 * Generated TypeScript files are assembled as syntax trees with the TypeScript compiler API (the copy
 * ts-morph carries): import declarations are built with `ts.factory` and printed, and the statements
 * are parsed once to find where each top-level declaration starts, so that `export` goes there. A
 * full ts-morph project would do the same at twenty times the cost per file.
 */
import { ts } from "ts-morph";

/** One named import a generated file needs. */
export interface NamedImport {
  readonly from: string;
  readonly names: readonly string[];
  readonly typeOnly: boolean;
}

/** What a generated TypeScript file holds, before it is printed. */
export interface SourceFileSpec {
  readonly header: string;
  /** Namespace imports, `{ alias: specifier }`. */
  readonly namespaces?: Readonly<Record<string, string>>;
  /** Default imports, `{ name: specifier }`. */
  readonly defaults?: Readonly<Record<string, string>>;
  readonly named?: readonly NamedImport[];
  /** Statements in order; every top-level declaration among them is exported. */
  readonly statements: readonly string[];
}

const exportable = new Set([
  ts.SyntaxKind.ClassDeclaration,
  ts.SyntaxKind.InterfaceDeclaration,
  ts.SyntaxKind.TypeAliasDeclaration,
  ts.SyntaxKind.VariableStatement,
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.EnumDeclaration,
]);

/** Prints generated TypeScript files. */
export class SourcePrinter {
  readonly #printer = ts.createPrinter({ newLine: ts.NewLineKind.LineFeed });
  readonly #empty = ts.createSourceFile("/empty.ts", "", ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);

  /** Build the file and return its text. */
  print(spec: SourceFileSpec): string {
    const factory = ts.factory;
    const imports = [
      ...Object.entries(spec.namespaces ?? {}).map(([alias, from]) =>
        factory.createImportDeclaration(undefined, factory.createImportClause(false, undefined, factory.createNamespaceImport(factory.createIdentifier(alias))), factory.createStringLiteral(from)),
      ),
      ...Object.entries(spec.defaults ?? {}).map(([name, from]) =>
        factory.createImportDeclaration(undefined, factory.createImportClause(false, factory.createIdentifier(name), undefined), factory.createStringLiteral(from)),
      ),
      ...(spec.named ?? [])
        .filter((entry) => entry.names.length > 0)
        .map((entry) =>
          factory.createImportDeclaration(
            undefined,
            factory.createImportClause(
              entry.typeOnly,
              undefined,
              factory.createNamedImports([...entry.names].sort().map((name) => factory.createImportSpecifier(false, undefined, factory.createIdentifier(name)))),
            ),
            factory.createStringLiteral(entry.from),
          ),
        ),
    ].map((declaration) => this.#printer.printNode(ts.EmitHint.Unspecified, declaration, this.#empty));
    const body = spec.statements.join("\n\n");
    // Doc comments are skipped: only where the statements start matters, which they do not change.
    const parsed = ts.createSourceFile("/generated.ts", body, { languageVersion: ts.ScriptTarget.ES2022, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, ts.ScriptKind.TS);
    const starts = parsed.statements
      .filter((statement) => exportable.has(statement.kind) && !isExported(statement))
      .map((statement) => statement.getStart(parsed));
    let text = "";
    let from = 0;
    for (const start of starts) {
      text += `${body.slice(from, start)}export `;
      from = start;
    }
    text += body.slice(from);
    return `${spec.header}${imports.length > 0 ? `${imports.join("\n")}\n\n` : ""}${text.trimEnd()}\n`;
  }
}

function isExported(statement: ts.Statement): boolean {
  return ts.canHaveModifiers(statement) && (ts.getModifiers(statement) ?? []).some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword);
}
