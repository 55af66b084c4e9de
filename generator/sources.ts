import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import type { YAMLNode } from "@stoplight/yaml-ast-parser";
import { pointerTokens as jsonPointerTokens } from "@evc/runtime/codegen";
import type { DiagnosticSink, SourceLocation, SpecDiagnostic } from "./diagnostics.js";
import { entryOf, itemOf, LinePositions, readYaml, stringOf } from "./yaml-read.js";

/** One spec file read from disk: its text, its YAML tree with positions, and its JSON value. */
export interface SourceFile {
  /** Absolute path. */
  readonly path: string;
  /** Path shown in diagnostics and written into the SDK (`SourceFiles.display`). */
  readonly display: string;
  readonly text: string;
  readonly json: unknown;
  /** The YAML tree as the parser reads it (`yaml-read.ts`); undefined for an empty file. */
  readonly root: YAMLNode | undefined;
  readonly lines: LinePositions;
  /** What reading it found worth a warning (integers JavaScript cannot hold), given again whenever the file is read. */
  readonly warnings: readonly SpecDiagnostic[];
}

/** Reads spec files once (as the parser reads them, guarded against YAML bombs), and maps JSON pointers back to `file:line:col`. */
export class SourceFiles {
  /** The folder relative paths start from. */
  readonly cwd: string;
  readonly #cache = new Map<string, SourceFile | undefined>();
  readonly #earlier: ReadonlyMap<string, SourceFile>;

  /** `earlier`: files an earlier run read (absolute path → file), taken as they are when their text is the same (watch mode). */
  constructor(cwd: string, earlier: ReadonlyMap<string, SourceFile> = new Map()) {
    this.cwd = cwd;
    this.#earlier = earlier;
  }

  /**
   * The path shown for a spec file in diagnostics and written into the SDK (its preamble and
   * descriptor's `specFile`, read back against the working directory): relative with `/`
   * separators even outside the working directory (`../specs/orders.yaml`), unlike `displayPath`,
   * so that no machine's absolute path ends up in generated code; absolute only where no relative
   * path leads (another drive).
   */
  display(path: string): string {
    const rel = relative(this.cwd, path);
    return isAbsolute(rel) ? path : rel.split(sep).join("/");
  }

  /** Read and parse a file; on a syntax error or an alias bomb, report it and return undefined. */
  load(path: string, sink: DiagnosticSink): SourceFile | undefined {
    const absolute = resolve(this.cwd, path);
    if (this.#cache.has(absolute)) return this.#cache.get(absolute);
    const file = this.#read(absolute, sink);
    this.#cache.set(absolute, file);
    return file;
  }

  /** Every file read so far and read whole: absolute path → text as read. */
  texts(): ReadonlyMap<string, string> {
    return new Map([...this.files()].map(([path, file]) => [path, file.text] as const));
  }

  /** Every file read so far and read whole: absolute path → file. */
  files(): ReadonlyMap<string, SourceFile> {
    return new Map([...this.#cache].flatMap(([path, file]) => (file === undefined ? [] : [[path, file] as const])));
  }

  /** The location of the node at a JSON pointer (as tokens), following `$ref`s across files; the deepest existing node when the path ends early. */
  locate(file: SourceFile, tokens: readonly string[]): SourceLocation {
    return this.#locate(file, tokens, 0);
  }

  /** The start of a file, for problems that concern it as a whole. */
  start(file: { readonly display: string }): SourceLocation {
    return { file: file.display, line: 1, column: 1 };
  }

  #read(absolute: string, sink: DiagnosticSink): SourceFile | undefined {
    const display = this.display(absolute);
    let text: string;
    try {
      text = readFileSync(absolute, "utf8");
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (error as Error).message;
      sink.error("evc-unreadable-file", `cannot read "${display}": ${reason}`, { file: display, line: 1, column: 1 });
      return undefined;
    }
    const earlier = this.#earlier.get(absolute);
    if (earlier !== undefined && earlier.text === text && earlier.display === display) {
      sink.add(earlier.warnings);
      return earlier;
    }
    const lines = new LinePositions(text);
    const read = readYaml(text);
    if ("problems" in read) {
      for (const problem of read.problems) sink.error(problem.code, problem.message, { file: display, ...lines.at(problem.offset) });
      return undefined;
    }
    const warnings = read.warnings.map((warning): SpecDiagnostic => ({ severity: "warning", code: warning.code, message: warning.message, location: { file: display, ...lines.at(warning.offset) } }));
    sink.add(warnings);
    return { path: absolute, display, text, json: read.json, root: read.root, lines, warnings };
  }

  #locate(file: SourceFile, tokens: readonly string[], depth: number): SourceLocation {
    let node: YAMLNode | undefined = file.root;
    let best = this.#position(file, node);
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index] as string;
      const reference = refOf(node);
      if (reference !== undefined && depth < 16) {
        const target = this.#followRef(file, reference);
        if (target !== undefined) return this.#locate(target.file, [...target.tokens, ...tokens.slice(index)], depth + 1);
      }
      const entry = entryOf(node, token);
      const item = entry === undefined && /^\d+$/.test(token) ? itemOf(node, Number(token)) : undefined;
      if (entry === undefined && item === undefined) return best;
      best = this.#position(file, entry?.key ?? item);
      node = entry === undefined ? item : (entry.value ?? undefined);
    }
    // A path that ends on a `$ref` means the thing it points to: report where that is defined.
    const reference = refOf(node);
    if (reference !== undefined && depth < 16) {
      const target = this.#followRef(file, reference);
      if (target !== undefined) return this.#locate(target.file, target.tokens, depth + 1);
    }
    return best;
  }

  #followRef(file: SourceFile, reference: string): { file: SourceFile; tokens: string[] } | undefined {
    const [target, fragment = ""] = reference.split("#", 2) as [string, string?];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
    const source = target === "" ? file : this.#cache.get(resolve(dirname(file.path), target));
    if (source === undefined) return undefined;
    return { file: source, tokens: pointerTokens(fragment) };
  }

  #position(file: SourceFile, node: YAMLNode | undefined): SourceLocation {
    return { file: file.display, ...file.lines.at(node?.startPosition ?? 0) };
  }
}

/** Split a JSON pointer (`/a/b~1c`), or the URI fragment of a `$ref`, into its unescaped tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  return jsonPointerTokens(decodeURIComponent(pointer.startsWith("/") ? pointer : `/${pointer}`));
}

function refOf(node: YAMLNode | undefined): string | undefined {
  return stringOf(entryOf(node, "$ref")?.value);
}
