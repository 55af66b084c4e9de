/**
 * Reads a YAML file as `@asyncapi/parser` reads it: the syntax tree of `@stoplight/yaml-ast-parser`
 * and the JSON value `@stoplight/yaml` builds from it (scalars typed, merge keys merged), so that the
 * value evc checks is the value the parser checks, and the parser's YAML code has run once when it
 * starts. Unlike the parser, it refuses what would hurt: an alias bomb (before expanding anything), an
 * alias inside its own anchor, a duplicate key, a `__proto__` key (written, quoted or through an alias),
 * two keys the parser crashes on (`hasOwnProperty`, a `$ref` that is not a string), and what the parser
 * drops without a word (an alias or a map as a key, an empty key, a merge key of no map), each with its place.
 */
import { determineScalarType, Kind, load, parseYamlBigInteger, parseYamlBoolean, parseYamlFloat, ScalarType, type YAMLAnchorReference, type YAMLMapping, type YAMLNode, type YAMLScalar } from "@stoplight/yaml-ast-parser";
import { emptyKeyMessage, emptyKeyOffsets, emptyKeyProblems } from "./yaml-empty-keys.js";
import { keyProblem, type KeyProblem } from "./yaml-keys.js";
import { numberProblem, type NumberProblem } from "./yaml-numbers.js";

/**
 * How many times aliases may be expanded in one file, nested ones as often as their enclosing ones are.
 * Real specs expand a handful; a billion-laughs document expands billions, which the parser would try
 * for minutes and gigabytes.
 */
const maxAliasExpansions = 1_000;

/** A problem of a YAML text, at an offset into it. */
export interface YamlProblem {
  readonly code: "evc-yaml-syntax" | "evc-yaml-alias-bomb" | "evc-yaml-too-deep" | "evc-prototype-key" | "evc-parser-crash-key" | "evc-yaml-dropped" | NumberProblem["code"] | KeyProblem["code"];
  readonly message: string;
  readonly offset: number;
}

/** A YAML text read: its tree (undefined for an empty text), JSON value and what is worth a warning, or what is wrong with it. */
export type YamlRead =
  | { readonly root: YAMLNode | undefined; readonly json: unknown; readonly warnings: readonly YamlProblem[] }
  | { readonly problems: readonly YamlProblem[] };

/**
 * Read a YAML text into its tree and JSON value; syntax errors, alias bombs, duplicate keys and keys
 * that would hurt are problems, numbers JavaScript cannot hold as written and plain keys read as
 * another string than written are warnings.
 */
export function readYaml(text: string): YamlRead {
  let root: YAMLNode | undefined;
  try {
    root = load(text, { ignoreDuplicateKeys: true }) as YAMLNode | undefined;
  } catch (error) {
    const mark = (error as { mark?: { position?: number } }).mark;
    if (mark === undefined) return { problems: crashProblems(text, error as Error) };
    return { problems: [{ code: "evc-yaml-syntax", message: `invalid YAML: ${(error as { reason?: string }).reason ?? (error as Error).message}`, offset: mark.position ?? 0 }] };
  }
  const syntax = (root?.errors ?? []).filter((error) => !error.isWarning);
  const tab = tabIndentation(text, root);
  if (tab !== undefined) return { problems: [{ code: "evc-yaml-syntax", message: "invalid YAML: a tab in the indentation; YAML indents with spaces only", offset: tab }] };
  const [first] = syntax;
  if (first !== undefined) return { problems: [syntaxProblem(text, first.reason, first.mark.position)] };
  if (root === undefined) return { root, json: null, warnings: [] };
  const numbers = numberProblems(root);
  const keys = keyProblems(root);
  const problems = [...keys.errors, ...numbers.errors, ...emptyKeyProblems(text)].sort((a, b) => a.offset - b.offset);
  if (problems.length > 0) return { problems };
  const bomb = aliasBomb(root) ?? tooDeep(root);
  if (bomb !== undefined) return { problems: [bomb] };
  return { root, json: valueOf(root), warnings: [...keys.warnings, ...numbers.warnings].sort((a, b) => a.offset - b.offset) };
}

/**
 * The numbers written that JSON or a JavaScript number cannot hold (`numberProblem`), in one pass
 * over the scalars: errors where JSON has no value, warnings where the double read is not the
 * number written.
 */
function numberProblems(root: YAMLNode): { errors: YamlProblem[]; warnings: YamlProblem[] } {
  const errors: YamlProblem[] = [];
  const warnings: YamlProblem[] = [];
  for (const node of nodesOf(root)) {
    if (node.kind !== Kind.SCALAR) continue;
    const scalar = node as YAMLScalar;
    const type = determineScalarType(scalar);
    if (type !== ScalarType.int && type !== ScalarType.float) continue;
    const problem = numberProblem(scalar.value, Number(scalarValue(scalar, type)));
    if (problem === undefined) continue;
    (problem.severity === "error" ? errors : warnings).push({ code: problem.code, message: problem.message, offset: node.startPosition });
  }
  return { errors, warnings };
}

/**
 * The first syntax error of a text, the only one reported: the parser reads on after it, and a
 * bracket left open makes a run of errors at later lines that all go away with it. An error about a
 * flow collection names the nearest earlier line that opens a `{` or `[` with text after it and
 * leaves it open: the parser finds the error where the text stops making sense, a line or more
 * after the missing bracket. A block mapping entry with nothing before its `:`, valid YAML for an
 * empty key, is refused as the entries the parser drops are: it drops that one too.
 */
function syntaxProblem(text: string, reason: string, offset: number): YamlProblem {
  if (reason === missingKey) return { code: "evc-yaml-dropped", message: emptyKeyMessage, offset };
  const opener = reason.includes("flow collection") ? unclosedOpener(text, offset) : undefined;
  const hint = opener === undefined ? "" : `, after the "${opener.bracket}" at line ${opener.line}, column ${opener.column}, which its line does not close: is its "${opener.bracket === "{" ? "}" : "]"}" missing?`;
  return { code: "evc-yaml-syntax", message: `invalid YAML: ${reason}${hint}`, offset };
}

/**
 * What to say where the YAML reader crashes (an error of its own code, with no place in the text):
 * the entries with an empty explicit key it trips on, each where its `?` is; else its error, at the
 * start of the text, for want of a better place.
 */
function crashProblems(text: string, error: Error): YamlProblem[] {
  const offsets = emptyKeyOffsets(text);
  if (offsets.length > 0) return offsets.map((offset) => ({ code: "evc-yaml-syntax", message: emptyKeyCrash, offset }));
  return [{ code: "evc-yaml-syntax", message: `the AsyncAPI parser's YAML reader fails on this text (${error.message}); simplify the YAML, or report it with the text`, offset: 0 }];
}

/** Why an entry whose `?` has no key after it (but a tag or an anchor), or one in a flow list, is refused. */
const emptyKeyCrash = 'an entry with an empty key, which the AsyncAPI parser\'s YAML reader cannot read; write the key, quoted ("") if it is to be empty';

/** The parser's reason for a block mapping entry with nothing before its `:`, an entry it drops. */
const missingKey = "incomplete explicit mapping pair; a key node is missed";

/** How many lines above an error `unclosedOpener` looks. */
const openerLookback = 50;

/** The last bracket that a line above `offset` opens with text after it and does not close (quoted text and comments aside); undefined when the nearest such line is further than `openerLookback`. */
function unclosedOpener(text: string, offset: number): { bracket: "{" | "["; line: number; column: number } | undefined {
  const lines = text.slice(0, offset).split("\n");
  for (let index = lines.length - 2; index >= Math.max(0, lines.length - 1 - openerLookback); index--) {
    const open = openBrackets(lines[index] as string).filter((bracket) => (lines[index] as string).slice(bracket.column).trim() !== "");
    const last = open.at(-1);
    if (last !== undefined) return { bracket: last.bracket, line: index + 1, column: last.column };
  }
  return undefined;
}

/** The brackets a line leaves open, with their columns (from 1), skipping quoted text and a comment. */
function openBrackets(line: string): { bracket: "{" | "["; column: number }[] {
  const open: { bracket: "{" | "["; column: number }[] = [];
  let quote: string | undefined;
  for (let index = 0; index < line.length; index++) {
    const char = line[index] as string;
    if (quote !== undefined) {
      if (char === quote) quote = undefined;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === "#" && (index === 0 || /\s/.test(line[index - 1] as string))) break;
    else if (char === "{" || char === "[") open.push({ bracket: char, column: index + 1 });
    else if ((char === "}" && open.at(-1)?.bracket === "{") || (char === "]" && open.at(-1)?.bracket === "[")) open.pop();
  }
  return open;
}

/**
 * Where the first tab that indents a line is, outside the text of any scalar (a block scalar may
 * hold tabs); undefined when there is none. YAML forbids tabs in indentation, and the parser (as
 * the AsyncAPI parser's) misreads such a line without a word: `\ttitle:` under `info:` became a
 * key of the document's root, or, with other lines around it, a run of errors at later lines.
 */
function tabIndentation(text: string, root: YAMLNode | undefined): number | undefined {
  // Inside a scalar a tab is text; inside a flow collection (`[...]`, `{...}`, so all of JSON) it separates, as a space does.
  // The tree is walked for them only once a line starts with a tab: most files have none.
  let exempt: YAMLNode[] | undefined;
  for (const line of text.matchAll(/^ *(\t)[ \t]*[^\s#]/gm)) {
    exempt ??= [...nodesOf(root)].filter((node) => node.kind === Kind.SCALAR || ((node.kind === Kind.MAP || node.kind === Kind.SEQ) && "[{".includes(text[node.startPosition] ?? "")));
    const tab = line.index + line[0].indexOf("\t");
    if (!exempt.some((node) => node.startPosition < tab && tab < node.endPosition)) return tab;
  }
  return undefined;
}

/** The mapping of a key in a map node, following an alias to the map it names. */
export function entryOf(node: YAMLNode | null | undefined, key: string): YAMLMapping | undefined {
  const map = resolved(node);
  if (map?.kind !== Kind.MAP) return undefined;
  return (map.mappings as YAMLMapping[]).find((mapping) => mapping.key?.kind === Kind.SCALAR && keyOf(mapping.key) === key);
}

/** The item at an index of a sequence node, following an alias to the sequence it names. */
export function itemOf(node: YAMLNode | null | undefined, index: number): YAMLNode | undefined {
  const sequence = resolved(node);
  if (sequence?.kind !== Kind.SEQ) return undefined;
  return (sequence as YAMLSequenceNode).items[index] ?? undefined;
}

/** The string a scalar node holds, undefined for any other node or a scalar of another type. */
export function stringOf(node: YAMLNode | null | undefined): string | undefined {
  const value = node?.kind === Kind.SCALAR ? scalarValue(node as YAMLScalar) : undefined;
  return typeof value === "string" ? value : undefined;
}

/** Call `visit` with every key-value mapping of the tree as written (aliases not expanded). */
export function forEachMapping(root: YAMLNode | undefined, visit: (mapping: YAMLMapping) => void): void {
  for (const node of nodesOf(root)) {
    if (node.kind === Kind.MAP) for (const mapping of node.mappings as YAMLMapping[]) visit(mapping);
  }
}

/** Maps offsets into a text to 1-based lines and columns. */
export class LinePositions {
  readonly #starts: number[] = [0];

  constructor(text: string) {
    for (let index = text.indexOf("\n"); index !== -1; index = text.indexOf("\n", index + 1)) this.#starts.push(index + 1);
  }

  /** The line and column (both from 1) of an offset. */
  at(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.#starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.#starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (this.#starts[low] as number) + 1 };
  }
}

function resolved(node: YAMLNode | null | undefined): YAMLNode | undefined {
  let current = node ?? undefined;
  for (let hops = 0; current?.kind === Kind.ANCHOR_REF && hops < 16; hops++) current = (current as YAMLAnchorReference).value ?? undefined;
  return current;
}

/** A scalar's value as `@stoplight/yaml` gives it: null, boolean, number or string (integers past 2^53 as the nearest number); `type` when its caller has it. */
function scalarValue(node: YAMLScalar, type = determineScalarType(node)): unknown {
  switch (type) {
    case ScalarType.null:
      return null;
    case ScalarType.bool:
      return parseYamlBoolean(node.value);
    case ScalarType.int:
      return Number(parseYamlBigInteger(node.value));
    case ScalarType.float:
      return parseYamlFloat(node.value);
    default:
      return String(node.value);
  }
}

/**
 * A key as the parser names the property: its scalar value as a string (`200`, `true`), an integer
 * past 2^53 as its exact digits (the parser reads it as a BigInt there, where a value is rounded).
 */
function keyOf(key: YAMLScalar, type = determineScalarType(key)): string {
  return type === ScalarType.int ? String(parseYamlBigInteger(key.value)) : String(scalarValue(key, type));
}

/**
 * Keys the parser would crash on, with a stack trace for a message: `hasOwnProperty` replaces the method
 * its `$ref` resolver calls on every object, and a `$ref` whose value is not a string (a JSON reference;
 * every `$ref` key is read as one, so no property can be named so) breaks its circular-reference pass.
 */
function parserCrashKey(key: string, value: YAMLNode | null | undefined): string | undefined {
  if (key === "hasOwnProperty") return 'key "hasOwnProperty" is refused: the AsyncAPI parser\'s $ref resolver calls each object\'s hasOwnProperty method, which this key would replace, and crashes; rename it';
  if (key === "$ref" && stringOf(value) === undefined) {
    return '"$ref" must be a string, a JSON reference such as "#/components/schemas/Name"; every "$ref" key is read as one, so no property can be named "$ref"';
  }
  return undefined;
}

/** Why a `__proto__` key is refused, however it is written (`key` as written: `"__proto__"`, or an alias naming it). */
function prototypeKey(key: string): string {
  return `key ${key} is refused: JavaScript reads it as the object's prototype, not as a property; rename it`;
}

/**
 * Duplicate keys in one mapping, `__proto__` keys, keys the parser crashes on and entries it drops
 * (errors), and plain keys read as another string than written (warnings), where the (second) key is written.
 */
function keyProblems(root: YAMLNode): { errors: YamlProblem[]; warnings: YamlProblem[] } {
  const problems: YamlProblem[] = [];
  const warnings: YamlProblem[] = [];
  for (const node of nodesOf(root)) {
    if (node.kind !== Kind.MAP) continue;
    /** Each key read so far, with the text it was written as. */
    const seen = new Map<string, string>();
    for (const mapping of node.mappings as YAMLMapping[]) {
      if (mapping.key === null || mapping.key === undefined) continue;
      if (mapping.key.kind !== Kind.SCALAR) {
        problems.push(droppedKey(mapping.key));
        continue;
      }
      const type = determineScalarType(mapping.key);
      const key = keyOf(mapping.key, type);
      const rewritten = keyProblem(mapping.key.value, type, key);
      // The parser places the empty key of `{ ? , b: 1 }` before the text; the map's `{` stands for it there.
      if (rewritten !== undefined) warnings.push({ ...rewritten, offset: Math.max(mapping.key.startPosition, node.startPosition) });
      const crash = parserCrashKey(key, mapping.value);
      const merge = key === "<<" ? mergeProblem(mapping) : undefined;
      if (key === "__proto__") {
        problems.push({ code: "evc-prototype-key", message: prototypeKey('"__proto__"'), offset: mapping.key.startPosition });
      } else if (crash !== undefined) {
        problems.push({ code: "evc-parser-crash-key", message: crash, offset: mapping.key.startPosition });
      } else if (merge !== undefined) {
        problems.push(merge);
      } else if (key !== "<<" && seen.has(key)) {
        problems.push({ code: "evc-yaml-syntax", message: duplicateKey(key, seen.get(key) as string, mapping.key.value), offset: mapping.key.startPosition });
      }
      seen.set(key, mapping.key.value);
    }
  }
  return { errors: problems, warnings };
}

/** Why a key read twice in one mapping is refused, naming how each was written when they differ (`1.0` and `1` are both "1"). */
function duplicateKey(key: string, first: string, second: string): string {
  const written = first === second ? "" : `, written ${first} and ${second}; quote a key to keep it as written`;
  return `invalid YAML: key "${key}" appears twice in this mapping${written}`;
}

/**
 * A key that is no scalar written out: the AsyncAPI parser (`@stoplight/yaml`) drops its entry
 * without a word, so what the spec says there would be lost. An alias that names `__proto__` is
 * refused as that key is.
 */
function droppedKey(key: YAMLNode): YamlProblem {
  if (key.kind === Kind.ANCHOR_REF) {
    const alias = key as YAMLAnchorReference;
    const target = resolved(alias);
    if (target?.kind === Kind.SCALAR && keyOf(target as YAMLScalar) === "__proto__") return { code: "evc-prototype-key", message: prototypeKey(`*${alias.referencesAnchor} (an alias of "__proto__")`), offset: aliasStart(alias) };
    const message = `YAML alias *${alias.referencesAnchor} as a key is refused: the AsyncAPI parser drops the entry it keys without a word; write the key out`;
    return { code: "evc-yaml-dropped", message, offset: aliasStart(alias) };
  }
  const message = `a ${key.kind === Kind.SEQ ? "list" : "map"} as a key is refused: JSON keys are strings, and the AsyncAPI parser drops the entry without a word; write a string key`;
  return { code: "evc-yaml-dropped", message, offset: key.startPosition };
}

/** A merge key whose value is neither a map nor a list of maps, which the parser drops (or reads a list's items as keys `0`, `1`…). */
function mergeProblem(mapping: YAMLMapping): YamlProblem | undefined {
  const value = resolved(mapping.value);
  const sources = value?.kind === Kind.SEQ ? (value as YAMLSequenceNode).items.map((item) => resolved(item)) : [value];
  if (sources.every((source) => source?.kind === Kind.MAP)) return undefined;
  const message = 'merge key "<<" takes a map or a list of maps, whose entries it merges; the AsyncAPI parser drops anything else without a word; write the entries out';
  return { code: "evc-yaml-dropped", message, offset: (mapping.key as YAMLNode).startPosition };
}

/**
 * An alias inside the node its anchor names (it would expand for ever), or, when expanding the tree would
 * expand aliases more than {@link maxAliasExpansions} times, the first alias; counted without expanding
 * anything (each node's count is taken once).
 */
function aliasBomb(root: YAMLNode): YamlProblem | undefined {
  const counts = new Map<YAMLNode, number>();
  const open = new Set<YAMLNode>();
  let loop: YamlProblem | undefined;
  const count = (node: YAMLNode | null | undefined): number => {
    if (node === null || node === undefined || loop !== undefined) return 0;
    const known = counts.get(node);
    if (known !== undefined) return known;
    open.add(node);
    let sum = 0;
    if (node.kind === Kind.ANCHOR_REF) {
      const alias = node as YAMLAnchorReference;
      if (alias.value !== null && alias.value !== undefined && open.has(alias.value)) {
        loop = { code: "evc-yaml-alias-bomb", message: `YAML alias *${alias.referencesAnchor} is inside the node its anchor names, so it would expand for ever; write the value out`, offset: aliasStart(alias) };
      } else sum = 1 + count(alias.value);
    } else if (node.kind === Kind.MAP) {
      for (const mapping of node.mappings as YAMLMapping[]) sum += count(mapping.value);
    } else if (node.kind === Kind.SEQ) {
      for (const item of (node as YAMLSequenceNode).items) sum += count(item);
    }
    open.delete(node);
    const capped = Math.min(sum, maxAliasExpansions + 1);
    counts.set(node, capped);
    return capped;
  };
  const total = count(root);
  if (loop !== undefined) return loop;
  if (total <= maxAliasExpansions) return undefined;
  const first = [...nodesOf(root)].find((node) => node.kind === Kind.ANCHOR_REF);
  return { code: "evc-yaml-alias-bomb", message: `YAML aliases would be expanded more than ${maxAliasExpansions} times; expand them by hand`, offset: first === undefined ? 0 : aliasStart(first) };
}

/**
 * How deep lists may nest in lists: the parser's pass over circular references walks each list
 * twice, so its time doubles with every list on a path (22 levels took seconds, 26 minutes, and the
 * process could not be stopped but by SIGKILL). Real specs nest a handful.
 */
const maxListNesting = 12;
/** How deep any values may nest. */
const maxNesting = 200;

/** The first node nested deeper than the parser can take (lists in lists, or anything), aliases not followed. */
function tooDeep(root: YAMLNode): YamlProblem | undefined {
  const pending: { node: YAMLNode | null | undefined; depth: number; lists: number }[] = [{ node: root, depth: 0, lists: 0 }];
  while (pending.length > 0) {
    const { node, depth, lists } = pending.pop() as (typeof pending)[number];
    if (node === null || node === undefined) continue;
    const inLists = lists + (node.kind === Kind.SEQ ? 1 : 0);
    if (inLists > maxListNesting || depth > maxNesting) {
      const message =
        inLists > maxListNesting
          ? `lists nested more than ${maxListNesting} deep, which the AsyncAPI parser takes exponential time over; flatten them`
          : `values nested more than ${maxNesting} deep, more than the AsyncAPI parser's recursive passes can take; flatten them`;
      return { code: "evc-yaml-too-deep", message, offset: node.startPosition };
    }
    if (node.kind === Kind.MAP) for (const mapping of node.mappings as YAMLMapping[]) pending.push({ node: mapping.value, depth: depth + 1, lists: inLists });
    else if (node.kind === Kind.SEQ) for (const item of (node as YAMLSequenceNode).items) pending.push({ node: item, depth: depth + 1, lists: inLists });
  }
  return undefined;
}

/** Where an alias is written: its `*` (the parser's node starts at the name after it). */
function aliasStart(alias: YAMLNode): number {
  return Math.max(0, alias.startPosition - 1);
}

type YAMLSequenceNode = YAMLNode & { items: (YAMLNode | null)[] };

/** Every node of the tree as written, aliases not expanded (an alias is a node of its own). */
function* nodesOf(root: YAMLNode | undefined): Generator<YAMLNode> {
  const pending: (YAMLNode | null | undefined)[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || node === undefined) continue;
    yield node;
    // Children pushed last first, so that they come in the order they are written.
    if (node.kind === Kind.MAP) for (const mapping of [...(node.mappings as YAMLMapping[])].reverse()) pending.push(mapping.value);
    else if (node.kind === Kind.SEQ) pending.push(...[...(node as YAMLSequenceNode).items].reverse());
  }
}

/**
 * The JSON value of a node as `@stoplight/yaml` builds it for the parser: a merge key assigns what it
 * merges where it is written (the earlier of a list of sources winning), and a key written out moves to
 * the end, as it does in the parser's ordered objects.
 */
function valueOf(node: YAMLNode | null | undefined): unknown {
  if (node === null || node === undefined) return null;
  switch (node.kind) {
    case Kind.SCALAR:
      return scalarValue(node as YAMLScalar);
    case Kind.SEQ:
      return (node as YAMLSequenceNode).items.map((item) => valueOf(item));
    case Kind.ANCHOR_REF:
      return valueOf((node as YAMLAnchorReference).value);
    case Kind.MAP: {
      const map: Record<string, unknown> = {};
      for (const mapping of node.mappings as YAMLMapping[]) {
        if (mapping.key?.kind !== Kind.SCALAR) continue;
        const key = keyOf(mapping.key);
        if (key === "<<") {
          Object.assign(map, merged(valueOf(mapping.value)));
        } else {
          delete map[key];
          map[key] = valueOf(mapping.value);
        }
      }
      return map;
    }
    default:
      return null;
  }
}

/** What a merge key merges: a map, or a list of maps of which the earlier win, keys in the order they first come. */
function merged(value: unknown): object | null {
  if (!Array.isArray(value)) return typeof value === "object" && value !== null ? value : null;
  const into: Record<string, unknown> = {};
  for (const item of value) {
    if (typeof item !== "object" || item === null) continue;
    for (const [key, entry] of Object.entries(item)) if (!Object.hasOwn(into, key)) into[key] = entry;
  }
  return into;
}
