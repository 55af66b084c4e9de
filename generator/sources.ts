import { readFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document, type Node } from "yaml";
import { pointerTokens as jsonPointerTokens } from "@evc/runtime/codegen";
import type { DiagnosticSink, SourceLocation } from "./diagnostics.js";

/**
 * Alias expansions a YAML file may make. Real specs use a handful; a billion-laughs document
 * makes billions, which the parser would try to expand for minutes and gigabytes.
 */
const maxAliasCount = 1_000;

/** One spec file read from disk: its text, its YAML tree with positions, and its JSON value. */
export interface SourceFile {
  /** Absolute path. */
  readonly path: string;
  /** Path shown in diagnostics: relative to the working directory when below it. */
  readonly display: string;
  readonly text: string;
  readonly json: unknown;
  readonly tree: Document.Parsed;
  readonly lines: LineCounter;
}

/** Reads spec files once, guards them against YAML bombs, and maps JSON pointers back to `file:line:col`. */
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

  /** The path shown for a file in diagnostics. */
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
    if (earlier !== undefined && earlier.text === text && earlier.display === display) return earlier;
    const lines = new LineCounter();
    const tree = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true, merge: true });
    if (tree.errors.length > 0) {
      for (const error of tree.errors) {
        const at = lines.linePos(error.pos[0]);
        sink.error("evc-yaml-syntax", `invalid YAML: ${firstLine(error.message)}`, { file: display, line: at.line, column: at.col });
      }
      return undefined;
    }
    const prototypeKeys = prototypeKeyPositions(tree, lines);
    for (const at of prototypeKeys) {
      sink.error("evc-prototype-key", 'key "__proto__" is refused: JavaScript reads it as the object\'s prototype, not as a property; rename it', { file: display, ...at });
    }
    if (prototypeKeys.length > 0) return undefined;
    let json: unknown;
    try {
      json = tree.toJS({ maxAliasCount });
    } catch (error) {
      const at = firstAlias(tree, lines);
      sink.error(
        "evc-yaml-alias-bomb",
        `YAML aliases expand past ${maxAliasCount} nodes (${firstLine((error as Error).message)}); expand them by hand`,
        { file: display, ...at },
      );
      return undefined;
    }
    return { path: absolute, display, text, json, tree, lines };
  }

  #locate(file: SourceFile, tokens: readonly string[], depth: number): SourceLocation {
    let node: unknown = file.tree.contents;
    let best = this.#position(file, node as Node | null);
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index] as string;
      if (isMap(node)) {
        const reference = refOf(node);
        if (reference !== undefined && depth < 16) {
          const target = this.#followRef(file, reference);
          if (target !== undefined) return this.#locate(target.file, [...target.tokens, ...tokens.slice(index)], depth + 1);
        }
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === token);
        if (pair === undefined) return best;
        best = this.#position(file, pair.key as Node);
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(token)];
        if (item === undefined || !/^\d+$/.test(token)) return best;
        best = this.#position(file, item as Node);
        node = item;
      } else {
        return best;
      }
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

  #position(file: SourceFile, node: Node | null | undefined): SourceLocation {
    const offset = node?.range?.[0] ?? 0;
    const at = file.lines.linePos(offset);
    return { file: file.display, line: at.line, column: at.col };
  }
}

/** Split a JSON pointer (`/a/b~1c`), or the URI fragment of a `$ref`, into its unescaped tokens. */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  return jsonPointerTokens(decodeURIComponent(pointer.startsWith("/") ? pointer : `/${pointer}`));
}

function refOf(node: unknown): string | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((item) => isScalar(item.key) && item.key.value === "$ref");
  return pair !== undefined && isScalar(pair.value) && typeof pair.value.value === "string" ? pair.value.value : undefined;
}

/** Where the document has a `__proto__` key (`constructor` and `prototype` are plain properties to JSON and are handled by the emitters). */
function prototypeKeyPositions(tree: Document.Parsed, lines: LineCounter): { line: number; column: number }[] {
  const positions: { line: number; column: number }[] = [];
  visit(tree, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === "__proto__") {
        const at = lines.linePos(pair.key.range?.[0] ?? 0);
        positions.push({ line: at.line, column: at.col });
      }
    },
  });
  return positions;
}

function firstAlias(tree: Document.Parsed, lines: LineCounter): { line: number; column: number } {
  let offset = 0;
  visit(tree, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? 0;
      return visit.BREAK;
    },
  });
  const at = lines.linePos(offset);
  return { line: at.line, column: at.col };
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/\s+at line \d+, column \d+:?$/, "");
}
