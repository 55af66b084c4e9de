/** Generated TypeScript files are assembled as syntax trees with ts-morph: imports, statements, exports, header. */
import { IndentationText, Node, Project, QuoteKind, type ImportDeclarationStructure, type OptionalKind } from "ts-morph";

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

/** Prints generated TypeScript files through one in-memory ts-morph project. */
export class SourcePrinter {
  readonly #project = new Project({
    useInMemoryFileSystem: true,
    skipAddingFilesFromTsConfig: true,
    manipulationSettings: { quoteKind: QuoteKind.Double, indentationText: IndentationText.TwoSpaces },
  });

  /** Build the file and return its text. */
  print(spec: SourceFileSpec): string {
    const file = this.#project.createSourceFile("/generated.ts", "", { overwrite: true });
    const imports: OptionalKind<ImportDeclarationStructure>[] = [
      ...Object.entries(spec.namespaces ?? {}).map(([alias, from]) => ({ moduleSpecifier: from, namespaceImport: alias })),
      ...Object.entries(spec.defaults ?? {}).map(([name, from]) => ({ moduleSpecifier: from, defaultImport: name })),
      ...(spec.named ?? [])
        .filter((entry) => entry.names.length > 0)
        .map((entry) => ({ moduleSpecifier: entry.from, isTypeOnly: entry.typeOnly, namedImports: [...entry.names].sort() })),
    ];
    file.addImportDeclarations(imports);
    file.addStatements(`${imports.length > 0 ? "\n" : ""}${spec.statements.join("\n\n")}`);
    for (const statement of file.getStatements()) {
      if (Node.isExportable(statement) && !statement.isExported()) statement.setIsExported(true);
    }
    file.insertText(0, spec.header);
    const text = file.getFullText();
    this.#project.removeSourceFile(file);
    return text.endsWith("\n") ? text : `${text}\n`;
  }
}
