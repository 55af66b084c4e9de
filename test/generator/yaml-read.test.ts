import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseWithPointers } from "@stoplight/yaml";
import { describe, expect, test } from "vitest";
import { LinePositions, readYaml, type YamlRead } from "../../generator/yaml-read.js";

const corpus = resolve(import.meta.dirname, "../../../shared/corpus/asyncapi");
const seeds = resolve(import.meta.dirname, "../../asyncapi");

/** What the parser's spectral document holds for a text: `@stoplight/yaml` with spectral's options (`@stoplight/spectral-parsers`). */
function parserValue(text: string): unknown {
  return parseWithPointers(text, { ignoreDuplicateKeys: false, mergeKeys: true, preserveKeyOrder: true, attachComments: false }).data;
}

/** A value copied into plain objects, keys in the order the (possibly proxied) object lists them. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.keys(value).map((key) => [key, plain((value as Record<string, unknown>)[key])]));
}

function valueOf(read: YamlRead): unknown {
  if ("problems" in read) throw new Error(`unexpected problems: ${JSON.stringify(read.problems)}`);
  return read.json;
}

function problemsOf(text: string) {
  const read = readYaml(text);
  if (!("problems" in read)) throw new Error("expected problems");
  const lines = new LinePositions(text);
  return read.problems.map(({ code, message, offset }) => ({ code, message, ...lines.at(offset) }));
}

/** The JSON value of a text read without problems, and its warnings with their lines and columns. */
function warningsOf(text: string) {
  const read = readYaml(text);
  if ("problems" in read) throw new Error(`unexpected problems: ${JSON.stringify(read.problems)}`);
  const lines = new LinePositions(text);
  return { json: read.json, warnings: read.warnings.map(({ code, message, offset }) => ({ code, message, ...lines.at(offset) })) };
}

const yamlFiles = (folder: string) =>
  readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ya?ml|json)$/.test(file))
    .map((file) => resolve(folder, file));

describe("generator - YAML read as the parser reads it", () => {
  const documents = [...yamlFiles(corpus), ...yamlFiles(seeds)];

  test("every document of the corpus and the seeds has the value the parser's document has, keys in the same order", () => {
    expect(documents.length).toBeGreaterThan(50);
    for (const file of documents) {
      const text = readFileSync(file, "utf8");
      const ours = plain(valueOf(readYaml(text)));
      const theirs = plain(parserValue(text));
      expect(isDeepStrictEqual(ours, theirs), file).toBe(true);
      expect(JSON.stringify(ours), file).toBe(JSON.stringify(theirs));
    }
  });

  test("scalars, keys, merge keys and aliases come out as the parser's", () => {
    const text = [
      "base: &base { a: 1, b: two }",
      "other: &other { b: 3, c: [x, y] }",
      "merged: { a: 0, <<: *base, d: 4 }",
      "mergedList: { <<: [*other, *base], a: 9 }",
      "props: &props { toString: 1, constructor: 2 }",
      "mergedProps: { <<: [*props, *base] }",
      "scalars: [0x1F, 0o17, 1e3, .5, ~, null, true, False, '007', \"12\", 2024-01-01, 123456789012345678901]",
      "200: ok",
      "true: yes",
      "1.0: float key",
      "aliased: [*base, *base]",
      "empty:",
      "block: |\n  two\n  lines",
    ].join("\n");
    const ours = plain(valueOf(readYaml(text)));
    const theirs = plain(parserValue(text));
    expect(ours).toEqual(theirs);
    expect(JSON.stringify(ours)).toBe(JSON.stringify(theirs));
    expect(ours).toMatchObject({ merged: { a: 1, b: "two", d: 4 }, mergedList: { b: 3, c: ["x", "y"], a: 9 }, "200": "ok", empty: null });
  });

  test("an empty text is null", () => {
    expect(valueOf(readYaml(""))).toBeNull();
    expect(valueOf(readYaml("# nothing but a comment\n"))).toBeNull();
  });

  test("a syntax error is a problem at its place", () => {
    expect(problemsOf("a: 1\nb: [1, 2\nc: 3\n")[0]).toMatchObject({ code: "evc-yaml-syntax", message: expect.stringMatching(/^invalid YAML: /), line: 3 });
    expect(problemsOf("a: 1\n  b: 2\n")[0]).toMatchObject({ code: "evc-yaml-syntax", line: 2 });
  });

  test("a bracket left open is one problem, the first, which names where the bracket opened", () => {
    const text = ["payload:", "  properties:", "    amount: { type: number, minimum: 0", "    currency: { type: string }", "    note: { type: string }", "    items: [a, b]", ""].join("\n");
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: "evc-yaml-syntax", line: 4 });
    expect(problems[0]?.message).toBe('invalid YAML: missed comma between flow collection entries, after the "{" at line 3, column 13, which its line does not close: is its "}" missing?');
    // JSON opens its brackets at the ends of lines: a missing comma there is only that.
    expect(problemsOf('{\n  "a": 1\n  "b": 2\n}\n')[0]?.message).toBe("invalid YAML: missed comma between flow collection entries");
  });

  test("a tab in the indentation is one problem, at the tab, that says so", () => {
    const tab = (line: number, column: number) => [{ code: "evc-yaml-syntax", message: "invalid YAML: a tab in the indentation; YAML indents with spaces only", line, column }];
    // The parser alone reads the first as if `title` were a key of the root, without a word.
    expect(problemsOf("asyncapi: 3.0.0\ninfo:\n  version: 1.0.0\n\ttitle: Orders\nchannels: {}\n")).toEqual(tab(4, 1));
    expect(problemsOf("asyncapi: 3.0.0\ninfo:\n\ttitle: Orders\n  version: 1.0.0\n")).toEqual(tab(3, 1));
    expect(problemsOf("list:\n  - a\n  \t- b\n")).toEqual(tab(3, 3));
    expect(valueOf(readYaml("text: |\n  one\n  \ttwo\nquoted: \"a\n\tb\"\n\t# a comment\n \t\nlast: 1\n"))).toEqual({ text: "one\n\ttwo\n", quoted: "a b", last: 1 });
    // In flow collections, and so in JSON indented with tabs, a tab separates as a space does.
    expect(valueOf(readYaml('{\n\t"asyncapi": "3.0.0",\n\t"info": {\n\t\t"title": "T"\n\t}\n}\n'))).toEqual({ asyncapi: "3.0.0", info: { title: "T" } });
    expect(valueOf(readYaml("tags: [\n \ta,\n \tb\n]\n"))).toEqual({ tags: ["a", "b"] });
  });

  test("a key written twice in one mapping is a problem at the second, also where the parser would merge (`<<` may repeat)", () => {
    expect(problemsOf("a: 1\nnested:\n  x: 1\n  y: 2\n  x: 3\n")).toEqual([{ code: "evc-yaml-syntax", message: 'invalid YAML: key "x" appears twice in this mapping', line: 5, column: 3 }]);
    expect(problemsOf("200: a\n'200': b\n")).toEqual([{ code: "evc-yaml-syntax", message: 'invalid YAML: key "200" appears twice in this mapping', line: 2, column: 1 }]);
    expect(valueOf(readYaml("a: &a { x: 1 }\nb: &b { y: 2 }\nc: { <<: *a, <<: *b }\n"))).toEqual({ a: { x: 1 }, b: { y: 2 }, c: { x: 1, y: 2 } });
  });

  test("a __proto__ key is refused wherever it is, merged or not", () => {
    expect(problemsOf("a:\n  - __proto__: { polluted: true }\n")).toEqual([
      { code: "evc-prototype-key", message: 'key "__proto__" is refused: JavaScript reads it as the object\'s prototype, not as a property; rename it', line: 2, column: 5 },
    ]);
    expect(problemsOf('x: &x { "__proto__": 1 }\ny: { <<: *x }\n').map(({ code, line }) => ({ code, line }))).toEqual([{ code: "evc-prototype-key", line: 1 }]);
    // An alias that names "__proto__", used as a key, directly or in a map merged elsewhere.
    expect(problemsOf("key: &key __proto__\nschema:\n  *key : { polluted: true }\n  b: 2\n")).toEqual([
      { code: "evc-prototype-key", message: 'key *key (an alias of "__proto__") is refused: JavaScript reads it as the object\'s prototype, not as a property; rename it', line: 3, column: 3 },
    ]);
    expect(problemsOf("key: &key __proto__\nbase: &base\n  *key : { polluted: true }\nschema: { <<: *base, c: 1 }\n").map(({ code, line, column }) => ({ code, line, column }))).toEqual([
      { code: "evc-prototype-key", line: 3, column: 3 },
    ]);
  });

  test("what the parser drops without a word is refused where it is written: an alias or a map as a key, a merge key of no map", () => {
    expect(problemsOf("name: &name title\nschema:\n  *name : kept?\n  ? { a: 1 }\n  : v\n  ? [1]\n  : w\n")).toEqual([
      { code: "evc-yaml-dropped", message: "YAML alias *name as a key is refused: the AsyncAPI parser drops the entry it keys without a word; write the key out", line: 3, column: 3 },
      { code: "evc-yaml-dropped", message: "a map as a key is refused: JSON keys are strings, and the AsyncAPI parser drops the entry without a word; write a string key", line: 4, column: 5 },
      { code: "evc-yaml-dropped", message: "a list as a key is refused: JSON keys are strings, and the AsyncAPI parser drops the entry without a word; write a string key", line: 6, column: 5 },
    ]);
    const merge = 'merge key "<<" takes a map or a list of maps, whose entries it merges; the AsyncAPI parser drops anything else without a word; write the entries out';
    expect(problemsOf("base: &base { x: 1 }\na: { <<: 5, c: 1 }\nb: { <<: [*base, [1]], c: 1 }\nc: { <<: ~ }\n")).toEqual([
      { code: "evc-yaml-dropped", message: merge, line: 2, column: 6 },
      { code: "evc-yaml-dropped", message: merge, line: 3, column: 6 },
      { code: "evc-yaml-dropped", message: merge, line: 4, column: 6 },
    ]);
    expect(valueOf(readYaml("base: &base { x: 1 }\nother: &other { y: 2 }\na: { <<: [*base, *other], <<: {}, c: 1 }\n"))).toEqual({ base: { x: 1 }, other: { y: 2 }, a: { x: 1, y: 2, c: 1 } });
  });

  test("an entry with an empty key, which the parser drops, is refused where it is written: a ? with no key, a : with nothing before it", () => {
    const dropped = { code: "evc-yaml-dropped", message: 'an entry with an empty key is refused: the AsyncAPI parser drops it without a word; write the key, quoted ("") if it is to be empty' };
    expect(problemsOf("properties:\n  a: 1\n  ? \n  : { type: string }\n  ?\n  b: 2\n")).toEqual([
      { ...dropped, line: 3, column: 3 },
      { ...dropped, line: 5, column: 3 },
    ]);
    expect(problemsOf("items:\n  - ? # no key\n    : 1\n")).toEqual([{ ...dropped, line: 2, column: 5 }]);
    expect(problemsOf("properties:\n  a: 1\n  : { type: string }\n")).toEqual([{ ...dropped, line: 3, column: 3 }]);
  });

  test("an empty key the YAML reader crashes on (a ? with only a tag or anchor, a ? in a flow list) is refused where its ? is written, not at the start with the reader's own error", () => {
    const crash = { code: "evc-yaml-syntax", message: 'an entry with an empty key, which the AsyncAPI parser\'s YAML reader cannot read; write the key, quoted ("") if it is to be empty' };
    expect(problemsOf("info:\n  title: t\nitems:\n  ? !!str\n  : v\n")).toEqual([{ ...crash, line: 4, column: 3 }]);
    expect(problemsOf("a: 1\nb: [ x, ? ]\n")).toEqual([{ ...crash, line: 2, column: 9 }]);
  });

  test("an empty key written quoted, or an explicit key on the next line, is kept; an empty key in a flow mapping is read as \"null\" with a warning where it is written", () => {
    for (const text of ['a: 1\n"": x\n', "a: 1\n? ''\n: x\n", "a: { '': x }\n"]) expect(plain(valueOf(readYaml(text)))).toEqual(plain(parserValue(text)));
    expect(valueOf(readYaml('a: 1\n"": x\n'))).toEqual({ a: 1, "": "x" });
    expect(valueOf(readYaml("a: 1\n? \n  b\n: 2\nc: 'what ? no'\n"))).toEqual({ a: 1, b: 2, c: "what ? no" });
    const text = "a: { : 3 }\nb: { ? , c: 1 }\n";
    const read = warningsOf(text);
    expect(plain(read.json)).toEqual(plain(parserValue(text)));
    const warning = { code: "evc-key-rewritten", message: 'an empty key is read as "null": YAML reads a key with nothing written as null, which the parser writes as "null"; write the key, quoted ("") if it is to be empty' };
    expect(read.warnings).toEqual([
      { ...warning, line: 1, column: 6 },
      { ...warning, line: 2, column: 4 },
    ]);
  });

  test("keys the AsyncAPI parser crashes on are refused where they are written: hasOwnProperty, and a $ref that is not a string", () => {
    expect(problemsOf("properties:\n  hasOwnProperty: { type: string }\n  ok: { $ref: '#/x' }\n  $ref: { type: string }\n  other: { $ref: 5 }\n")).toEqual([
      {
        code: "evc-parser-crash-key",
        message: 'key "hasOwnProperty" is refused: the AsyncAPI parser\'s $ref resolver calls each object\'s hasOwnProperty method, which this key would replace, and crashes; rename it',
        line: 2,
        column: 3,
      },
      { code: "evc-parser-crash-key", message: '"$ref" must be a string, a JSON reference such as "#/components/schemas/Name"; every "$ref" key is read as one, so no property can be named "$ref"', line: 4, column: 3 },
      { code: "evc-parser-crash-key", message: '"$ref" must be a string, a JSON reference such as "#/components/schemas/Name"; every "$ref" key is read as one, so no property can be named "$ref"', line: 5, column: 12 },
    ]);
  });

  test("an integer a JavaScript number cannot hold exactly is a warning where it is written, naming the value it is read as; 2^53 and a bound written in full are not", () => {
    const text = "enum: [9007199254740993, 9007199254740992, 1]\nmin: -9007199254740995\nhex: 0x20000000000001\nok: 18014398509481984\nfloat: 1.5e10\n";
    const read = warningsOf(text);
    expect(read.warnings).toEqual([
      {
        code: "evc-unsafe-integer",
        message:
          "integer 9007199254740993 cannot be held exactly by a JavaScript number: the parser, ajv, the SDK and every consumer's JSON.parse read it as 9007199254740992; keep integers within ±9007199254740991, or write the value as a string",
        line: 1,
        column: 8,
      },
      { code: "evc-unsafe-integer", message: expect.stringContaining("integer -9007199254740995 cannot be held exactly") as string, line: 2, column: 6 },
      { code: "evc-unsafe-integer", message: expect.stringContaining("integer 9007199254740993 cannot") as string, line: 3, column: 6 },
    ]);
    expect(read.json).toEqual({ enum: [9007199254740992, 9007199254740992, 1], min: -9007199254740996, hex: 9007199254740992, ok: 18014398509481984, float: 1.5e10 });
  });

  test("a plain key YAML reads as null, a boolean or a number is a warning where it is written when the key it becomes is not the one written; 1, true, null, a date and quoted keys are not", () => {
    const text = [
      "1.0: a",
      "0x10: b",
      "True: c",
      "1e3: d",
      "~: e",
      "-0: f",
      "2024-01-01: g",
      '"1.5e1": h',
      "'0x20': i",
      "asWritten: { 1: j, true: k, null: l, 9007199254740993: m }",
      "more: { .5: n, +2: o, Null: p }",
      "",
    ].join("\n");
    const read = warningsOf(text);
    expect(plain(read.json)).toEqual(plain(parserValue(text)));
    expect(read.json).toEqual({
      "1": "a", "16": "b", true: "c", "1000": "d", null: "e", "0": "f", "2024-01-01": "g", "1.5e1": "h", "0x20": "i",
      asWritten: { "1": "j", true: "k", null: "l", "9007199254740993": "m" },
      more: { "0.5": "n", "2": "o", null: "p" },
    });
    const rewritten = (written: string, kind: string, read: string) =>
      `key ${written} is read as "${read}": YAML reads an unquoted ${written} as ${kind}, which the parser writes as "${read}"; quote it ("${written}") to keep the key as written`;
    expect(read.warnings).toEqual([
      { code: "evc-key-rewritten", message: rewritten("1.0", "a number", "1"), line: 1, column: 1 },
      { code: "evc-key-rewritten", message: rewritten("0x10", "an integer", "16"), line: 2, column: 1 },
      { code: "evc-key-rewritten", message: rewritten("True", "a boolean", "true"), line: 3, column: 1 },
      { code: "evc-key-rewritten", message: rewritten("1e3", "a number", "1000"), line: 4, column: 1 },
      { code: "evc-key-rewritten", message: rewritten("~", "null", "null"), line: 5, column: 1 },
      { code: "evc-key-rewritten", message: rewritten("-0", "an integer", "0"), line: 6, column: 1 },
      { code: "evc-key-rewritten", message: rewritten(".5", "a number", "0.5"), line: 11, column: 9 },
      { code: "evc-key-rewritten", message: rewritten("+2", "an integer", "2"), line: 11, column: 16 },
      { code: "evc-key-rewritten", message: rewritten("Null", "null", "null"), line: 11, column: 23 },
    ]);
  });

  test("two keys read as one are refused as a duplicate naming how each was written; an integer key past 2^53 keeps its digits, as the parser's does", () => {
    expect(problemsOf("1.0: a\n1: b\n")).toEqual([
      { code: "evc-yaml-syntax", message: 'invalid YAML: key "1" appears twice in this mapping, written 1.0 and 1; quote a key to keep it as written', line: 2, column: 1 },
    ]);
    expect(problemsOf("a: 1\na: 2\n")[0]?.message).toBe('invalid YAML: key "a" appears twice in this mapping');
    const text = "9007199254740993: a\n9007199254740992: b\n";
    expect(plain(valueOf(readYaml(text)))).toEqual(plain(parserValue(text)));
    expect(Object.keys(valueOf(readYaml(text)) as object)).toEqual(["9007199254740993", "9007199254740992"]);
  });

  test("an integer written as a float is held to the same: a warning where the double is not the integer written; a fraction only where its double prints otherwise", () => {
    const text = [
      "minimum: 12345678901234567890.0",
      "maximum: 1e23",
      "const: 9007199254740993.0",
      "enum: [1e20, 18014398509481984.0, 5.0, -0.0, 1.5e-7, 0.1, 0.30000000000000001]",
      "default: -1.5e300",
      "examples: [1e-400]",
      "multipleOf: 9007199254740993e0",
      "",
    ].join("\n");
    const integer = (written: string, held: string) =>
      `integer ${written} cannot be held exactly by a JavaScript number: the parser, ajv, the SDK and every consumer's JSON.parse read it as ${held}; keep integers within ±9007199254740991, or write the value as a string`;
    const fraction = (written: string, held: string) =>
      `number ${written} is more precise than a JavaScript number: the parser, ajv, the SDK and every consumer's JSON.parse read it as ${held}, the nearest it holds; write ${held}, or the value as a string`;
    expect(warningsOf(text).warnings).toEqual([
      { code: "evc-unsafe-integer", message: integer("12345678901234567890.0", "12345678901234567168"), line: 1, column: 10 },
      { code: "evc-unsafe-integer", message: integer("1e23", "99999999999999991611392"), line: 2, column: 10 },
      { code: "evc-unsafe-integer", message: integer("9007199254740993.0", "9007199254740992"), line: 3, column: 8 },
      { code: "evc-inexact-number", message: fraction("0.30000000000000001", "0.3"), line: 4, column: 59 },
      { code: "evc-unsafe-integer", message: integer("-1.5e300", "-150000000000000007875… (301 digits)"), line: 5, column: 10 },
      { code: "evc-inexact-number", message: fraction("1e-400", "0"), line: 6, column: 12 },
      { code: "evc-unsafe-integer", message: integer("9007199254740993e0", "9007199254740992"), line: 7, column: 13 },
    ]);
  });

  test("lists nested in lists more than 12 deep, over which the parser takes exponential time, are refused at the first list too deep; 12 are fine", () => {
    const nested = (depth: number) => `x: { const: ${"[".repeat(depth)}1${"]".repeat(depth)} }\n`;
    expect(valueOf(readYaml(nested(12)))).toEqual({ x: { const: JSON.parse(`${"[".repeat(12)}1${"]".repeat(12)}`) } });
    expect(problemsOf(nested(26))).toEqual([
      { code: "evc-yaml-too-deep", message: "lists nested more than 12 deep, which the AsyncAPI parser takes exponential time over; flatten them", line: 1, column: 25 },
    ]);
    expect(problemsOf(`x: ${"{a: ".repeat(201)}1${"}".repeat(201)}\n`).map(({ code }) => code)).toEqual(["evc-yaml-too-deep"]);
  });

  test(".inf, .nan and numbers past the largest double, which JSON cannot hold and the parser would read as null, are problems where they are written; .5 and 1e300 are read", () => {
    expect(problemsOf("a: { const: .inf }\nb: [.NaN, 1, -.Inf]\n").map(({ code, line, column }) => ({ code, line, column }))).toEqual([
      { code: "evc-non-json-number", line: 1, column: 13 },
      { code: "evc-non-json-number", line: 2, column: 5 },
      { code: "evc-non-json-number", line: 2, column: 14 },
    ]);
    expect(problemsOf("a: .inf\n")[0]?.message).toBe(".inf is no JSON number (JSON has no infinity and no NaN), and would be read as null; write a finite number");
    expect(problemsOf("a: { maximum: 1e400 }\n")).toEqual([
      {
        code: "evc-non-json-number",
        message: "1e400 is beyond the largest JavaScript number (±1.7976931348623157e+308): it would be read as infinity, which JSON has not, so as null; write a finite number",
        line: 1,
        column: 15,
      },
    ]);
    expect(valueOf(readYaml("a: .5\nb: 1e300\n"))).toEqual({ a: 0.5, b: 1e300 });
  });

  test("aliases are counted without being expanded: a bomb of 40 levels (9^40 expansions) is refused at its first alias", () => {
    const lines = ['a0: &a0 ["lol","lol"]'];
    for (let level = 1; level <= 40; level++) lines.push(`a${level}: &a${level} [${Array(9).fill(`*a${level - 1}`).join(", ")}]`);
    expect(problemsOf(lines.join("\n"))).toEqual([{ code: "evc-yaml-alias-bomb", message: "YAML aliases would be expanded more than 1000 times; expand them by hand", line: 2, column: 10 }]);
  });

  test("a thousand expansions are fine, a thousand and one are not", () => {
    const aliases = (count: number) => `a: &a { x: 1 }\nlist: [${Array(count).fill("*a").join(", ")}]\n`;
    expect((valueOf(readYaml(aliases(1000))) as { list: unknown[] }).list).toHaveLength(1000);
    expect(problemsOf(aliases(1001))[0]?.code).toBe("evc-yaml-alias-bomb");
  });

  test("an alias inside the node its anchor names is refused at the alias", () => {
    expect(problemsOf("a: &a\n  self: *a\n")).toEqual([
      { code: "evc-yaml-alias-bomb", message: "YAML alias *a is inside the node its anchor names, so it would expand for ever; write the value out", line: 2, column: 9 },
    ]);
  });

  test("positions are 1-based lines and columns", () => {
    const lines = new LinePositions("ab\ncd\n\nef");
    expect([0, 1, 3, 4, 6, 7, 8].map((offset) => lines.at(offset))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 2 },
      { line: 2, column: 1 },
      { line: 2, column: 2 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
      { line: 4, column: 2 },
    ]);
  });
});
