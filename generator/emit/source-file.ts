/**
 * Generated TypeScript files are assembled with the TypeScript compiler API (the copy ts-morph
 * carries): import declarations are built with `ts.factory` and printed; each statement is one
 * top-level statement, and a declaration among them gets `export` where it starts, after its leading
 * comments, which the compiler's scanner finds. Parsing the statements to find the same places cost a
 * tenth of a full generation; a full ts-morph project would cost twenty times that.
 */
import { ts } from "./ts-morph.js";

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
  /** Top-level statements in order, one each (with its leading comments); every declaration among them is exported. */
  readonly statements: readonly string[];
}

/** The keywords a declaration that gets `export` starts with. */
const declaration = /^(?:abstract\s+class|class|interface|type|const|let|var|function|async\s+function|enum|declare)\b/;

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
    const text = spec.statements.map(exported).join("\n\n");
    return `${spec.header}${imports.length > 0 ? `${imports.join("\n")}\n\n` : ""}${text.trimEnd()}\n`;
  }
}

/** A statement with `export` where its declaration starts, after its leading comments; other statements as they are. */
function exported(statement: string): string {
  const comments = ts.getLeadingCommentRanges(statement, 0) ?? [];
  const start = comments.at(-1)?.end ?? 0;
  const code = statement.slice(start).trimStart();
  if (!declaration.test(code)) return statement;
  const at = statement.length - code.length;
  return `${statement.slice(0, at)}export ${code}`;
}
