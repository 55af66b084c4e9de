import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";
import { componentSpec } from "../helpers/component-spec.js";
import { specWorkspace, type SpecWorkspace } from "../helpers/spec-workspace.js";
import { typecheck } from "../helpers/typecheck.js";
import type { Registry } from "@evc/runtime";
import { prepareEvent } from "../../runtime/codec.js";
import { resolveEvent } from "../../runtime/publish.js";
import { checkModelNames } from "../../generator/emit/model-names.js";
import type { OutputModel } from "../../generator/emit/modelina.js";
import type { EventModel } from "../../generator/model.js";

interface EventClass {
  fromJSON(json: unknown): { toJSON(): Record<string, unknown> } & Record<string, unknown>;
  safeFromJSON(json: unknown): { success: boolean; error?: Error };
}

function generatedTs(ws: SpecWorkspace): string[] {
  return readdirSync(join(ws.dir, "generated"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The head of a spec of one message, "named", whose object payload the test goes on to write (indented by 10). */
const namedSpec = `asyncapi: 3.0.0
info: { title: Names, version: 1.0.0 }
channels:
  c:
    address: names
    messages:
      Named:
        name: named
        payload:
          type: object`;

async function generateClean(ws: SpecWorkspace): Promise<void> {
  const { code, stderr } = await ws.evc("generate", "--specs", "specs");
  expect(stderr.replace(/^.*warning.*\n/gm, "")).toBe("");
  expect(code).toBe(0);
  expect(typecheck(generatedTs(ws))).toEqual([]);
}

describe("generator - where Modelina alone falls short", () => {
  test("an AsyncAPI 3.1 document gets typed fields, not `any`", async () => {
    using ws = specWorkspace({
      "specs/signup.yaml": `asyncapi: 3.1.0
info: { title: Accounts, version: 1.0.0 }
channels:
  signedUp:
    address: user/signedup
    messages:
      UserSignedUp:
        name: user.signed-up
        payload:
          type: object
          properties:
            displayName: { type: string }
            email: { type: string, format: email }
            age: { type: integer }
operations:
  onSignedUp: { action: receive, channel: { $ref: '#/channels/signedUp' } }
`,
    });
    await generateClean(ws);
    const text = ws.read("generated/signup/user-signed-up.v1.ts");
    expect(text).toContain("declare readonly displayName?: string;");
    expect(text).toContain("declare readonly age?: number;");
    expect(text).not.toMatch(/\bany\b/);
  });

  test("operations with traits still produce their models", async () => {
    using ws = specWorkspace({
      "specs/traits.yaml": `asyncapi: 3.0.0
info: { title: Traits, version: 1.0.0 }
channels:
  dim:
    address: lights.{id}.dim
    parameters: { id: {} }
    messages:
      DimLight: { $ref: '#/components/messages/DimLight' }
operations:
  dimLight:
    action: send
    channel: { $ref: '#/channels/dim' }
    traits: [{ $ref: '#/components/operationTraits/kafka' }]
components:
  operationTraits:
    kafka: { bindings: { kafka: { clientId: { type: string, enum: [my-app] } } } }
  messages:
    DimLight:
      name: dimLight
      traits: [{ $ref: '#/components/messageTraits/common' }]
      payload:
        type: object
        properties:
          percentage: { type: integer, minimum: 0, maximum: 100 }
  messageTraits:
    common: { headers: { type: object, properties: { my-app-header: { type: integer } } } }
`,
    });
    await generateClean(ws);
    expect(ws.read("generated/traits/dim-light.v1.ts")).toContain("declare readonly percentage?: number;");
  });

  test("enum values and constants are escaped: CR LF, quotes, backticks and template holes compile and validate exactly", async () => {
    using ws = specWorkspace({
      "specs/strange.yaml": `asyncapi: 3.0.0
info: { title: Strange, version: 1.0.0 }
channels:
  c:
    address: strange
    messages:
      Odd:
        name: odd
        payload:
          type: object
          required: [separator]
          properties:
            separator: { type: string, enum: ["\\r\\n", "it's", "say \\"hi\\"", "\`\${process.exit(1)}\`", "\\u2028"] }
            marker: { const: "'; process.exit(1); '" }
`,
    });
    await generateClean(ws);
    const text = ws.read("generated/strange/odd.v1.ts");
    expect(text).toContain('"\\r\\n" | "it\'s" | "say \\"hi\\"" | "`${process.exit(1)}`"');
    const { OddV1 } = await ws.load<{ OddV1: EventClass }>("generated/strange/odd.v1.ts");
    expect(OddV1.fromJSON({ separator: "\r\n" }).toJSON()).toEqual({ separator: "\r\n" });
    expect(OddV1.safeFromJSON({ separator: "\n" }).success).toBe(false);
  });

  test("nested schemas are named from their path, never AnonymousSchema_N", async () => {
    using ws = specWorkspace({
      "specs/nested.yaml": `asyncapi: 3.0.0
info: { title: Nested, version: 1.0.0 }
channels:
  c:
    address: orders
    messages:
      Placed:
        name: order.placed
        payload:
          type: object
          properties:
            customer: { type: object, properties: { address: { type: object, properties: { city: { type: string } } } } }
            lines: { type: array, items: { type: object, properties: { sku: { type: string } } } }
            status: { type: string, enum: [new, paid] }
`,
    });
    await generateClean(ws);
    const text = ws.read("generated/nested/order-placed.v1.ts");
    for (const name of ["OrderPlacedV1Customer", "OrderPlacedV1CustomerAddress", "OrderPlacedV1LinesItem", "OrderPlacedV1Status"]) {
      expect(text).toMatch(new RegExp(`export (interface|type) ${name}\\b`));
    }
    expect(text).not.toMatch(/Anonymous/i);
  });

  test("a description cannot close its doc comment and inject code", async () => {
    const attack = "*/ (globalThis as any).injected = true; /*";
    using ws = specWorkspace({
      "specs/evil.yaml": `asyncapi: 3.0.0
info: { title: Evil, version: 1.0.0 }
channels:
  c:
    address: evil
    messages:
      Evil:
        name: evil
        title: "${attack}"
        description: "${attack}"
        payload:
          type: object
          description: "${attack}"
          properties:
            field: { type: string, description: "${attack}\\n@deprecated" }
`,
    });
    await generateClean(ws);
    await ws.load("generated/evil/evil.v1.ts");
    expect((globalThis as { injected?: boolean }).injected).toBeUndefined();
    expect(ws.read("generated/evil/evil.v1.ts")).toContain("*\\/ (globalThis as any).injected = true; /\\*");
  });

  test("an event type, a system name or a property name cannot close a comment the SDK writes it into and inject code", async () => {
    // An event type and a system title that would close a block comment, and a property name that
    // holds a line separator, which ends a line comment (JSON.stringify leaves it as it is).
    const type = "x*/ (globalThis as any).injectedByType = true; /*";
    using ws = specWorkspace({
      "specs/evil.yaml": `asyncapi: 3.0.0
info: { title: "Evil */ (globalThis as any).injectedBySystem = true; /*", version: 1.0.0 }
channels:
  c:
    address: evil
    messages:
      Evil:
        name: "${type}"
        payload:
          type: object
          properties:
            "constructor\u2028(globalThis as any).injectedByProperty = true": { type: string }
`,
    });
    await generateClean(ws);
    const files = generatedTs(ws).map((path) => relative(ws.dir, path));
    const eventFile = files.find((path) => path.endsWith(".v1.ts")) as string;
    expect(eventFile).toBeDefined();
    for (const path of [eventFile, "generated/index.ts"]) await ws.load(path);
    const injected = globalThis as { injectedByType?: boolean; injectedBySystem?: boolean; injectedByProperty?: boolean };
    expect([injected.injectedByType, injected.injectedBySystem, injected.injectedByProperty]).toEqual([undefined, undefined, undefined]);
    expect(ws.read(eventFile)).toContain('"x*\\/ (globalThis as any).injectedByType = true; /*"');
  });

  test("property names that one case convention writes alike (foo_bar, fooBar, FooBar) are each typed under their own name", async () => {
    const names = ["foo_bar", "fooBar", "FooBar", "foo-bar"];
    using ws = specWorkspace({
      "specs/alike.yaml": componentSpec("Alike", { alike: "Alike" }, {
        Alike: { type: "object", required: ["foo_bar"], properties: Object.fromEntries(names.map((name, index) => [name, { type: index % 2 === 0 ? "string" : "integer" }])) },
      }),
    });
    await generateClean(ws);
    const code = ws.read("generated/alike/alike.v1.ts");
    expect(code).toMatch(/readonly foo_bar: string;/);
    expect(code).toMatch(/readonly fooBar\?: number;/);
    expect(code).toMatch(/readonly FooBar\?: string;/);
    expect(code).toMatch(/readonly "foo-bar"\?: number;/);
    const { AlikeV1 } = await ws.load<{ AlikeV1: { fromJSON(json: unknown): Record<string, unknown> } }>("generated/alike/alike.v1.ts");
    const event = AlikeV1.fromJSON({ foo_bar: "a", fooBar: 1, FooBar: "b", "foo-bar": 2 });
    expect(names.map((name) => event[name])).toEqual(["a", 1, "b", 2]);
  });

  test("model names Modelina's own rule would change (HTTPServer, delete: a keyword once lowercased) keep evc's names, and an object payload keeps its class", async () => {
    const payload = (properties: Record<string, unknown>) => ({ type: "object", properties });
    using ws = specWorkspace({
      "specs/names.yaml": componentSpec("Names", { HTTPServerUp: "Up", Removed: "Removed" }, {
        delete: payload({ id: { type: "string" } }),
        HTTPServer: payload({ host: { type: "string" }, del: { $ref: "#/components/schemas/delete" } }),
        Up: payload({ server: { $ref: "#/components/schemas/HTTPServer" } }),
        Removed: payload({ server: { $ref: "#/components/schemas/HTTPServer" }, what: { $ref: "#/components/schemas/delete" } }),
      }),
    });
    await generateClean(ws);
    expect(ws.read("generated/names/models.ts")).toMatch(/export interface Delete \{[^}]*\}\s+export interface HTTPServer \{/);
    const up = ws.read("generated/names/httpserver-up.v1.ts");
    expect(up).toContain("export class HTTPServerUpV1 {");
    expect(up).toContain("declare readonly server?: HTTPServer;");
    expect(up).not.toMatch(/HttpServer|ReservedDelete|HTTPServerUpV1Value/);
  });

  test("a model Modelina names with a name evc gave no schema stops the run, naming the event and where its message is", () => {
    const namedSchema = { title: "HTTPServerUpV1", properties: { worker: { title: "Worker", oneOf: [{ title: "Employer" }] } } };
    const event = { type: "HTTPServerUp", version: 1, location: { file: "specs/names.yaml", line: 21, column: 5 }, namedSchema } as unknown as EventModel;
    const output = (title: string, name: string) => ({ modelName: name, model: { name, originalInput: { title } } }) as unknown as OutputModel;
    expect(() => checkModelNames(event, [output("HTTPServerUpV1", "HTTPServerUpV1"), output("a title", "ATitle"), output("Worker", "Employer")])).not.toThrow();
    expect(() => checkModelNames(event, [output("HTTPServerUpV1", "HttpServerUpV1")])).toThrow(
      'cannot render the models of "HTTPServerUp" v1 (specs/names.yaml:21:5): Modelina renamed the model "HTTPServerUpV1" to "HttpServerUpV1", which the SDK does not declare; rename the schema, and report this to evc',
    );
  });

  test("a property that only null fits is typed null, not unknown", async () => {
    using ws = specWorkspace({
      "specs/nulls.yaml": componentSpec("Nulls", { nulls: "Nulls" }, {
        Nulls: { type: "object", properties: { cleared: { type: "null" }, listed: { type: ["null"] }, either: { type: ["string", "null"] } } },
      }),
    });
    await generateClean(ws);
    const code = ws.read("generated/nulls/nulls.v1.ts");
    expect(code).toMatch(/readonly cleared\?: null;/);
    expect(code).toMatch(/readonly listed\?: null;/);
    expect(code).toMatch(/readonly either\?: string \| null;/);
  });

  test("property names such as constructor, toJSON and __proto__ are read as own properties only", async () => {
    using ws = specWorkspace({
      "specs/names.yaml": `${namedSpec}
          properties:
            constructor: { type: string }
            toJSON: { type: string }
            "it's \\"quoted\\"": { type: integer }
            nested:
              type: object
              properties:
                constructor: { type: string }
`,
    });
    await generateClean(ws);
    const { NamedV1 } = await ws.load<{ NamedV1: EventClass }>("generated/names/named.v1.ts");
    const empty = NamedV1.fromJSON({});
    expect(JSON.parse(JSON.stringify(empty))).toEqual({});
    expect(NamedV1.fromJSON('{"nested":{}}').toJSON()).toEqual({ nested: {} });
    expect(NamedV1.safeFromJSON({ constructor: 1 }).success).toBe(false);
    const named = NamedV1.fromJSON({ constructor: "c", "it's \"quoted\"": 2 });
    expect(JSON.parse(JSON.stringify(named))).toEqual({ constructor: "c", "it's \"quoted\"": 2 });
    expect(Object.getPrototypeOf(named)).toBe((NamedV1 as unknown as { prototype: object }).prototype);
  });

  test("a root property named toJSON or constructor stays in the JSON and off the instance: toJSON() works, and the event is built, encoded as publish encodes it and read back with both", async () => {
    using ws = specWorkspace({
      "specs/names.yaml": `${namedSpec}
          required: [id, toJSON]
          properties:
            id: { type: string }
            toJSON: { type: string }
            constructor: { type: string }
operations:
  onNamed: { action: receive, channel: { $ref: '#/channels/c' } }
`,
    });
    await generateClean(ws);
    type Named = { toJSON(): Record<string, unknown>; readonly id: string };
    const { NamedV1 } = await ws.load<{ NamedV1: EventClass & (new (input: object) => Named) }>("generated/names/named.v1.ts");
    const { registry } = await ws.load<{ registry: Registry }>("generated/registry.ts");
    const json = { id: "n-1", toJSON: "data", constructor: "c" };
    const event = new NamedV1(json);
    expect(event.toJSON()).toEqual(json);
    expect(JSON.parse(JSON.stringify(event))).toEqual(json);
    expect(Object.getPrototypeOf(event)).toBe(NamedV1.prototype);
    expect(NamedV1.fromJSON(JSON.stringify(event)).toJSON()).toEqual(json);
    expect(NamedV1.safeFromJSON({ id: "n-2" }).success).toBe(false);
    // What publish sends: the runtime takes the event's JSON (resolveEvent), validates and encodes it.
    const { contract, json: sent } = resolveEvent(registry, event as never);
    const body = new TextDecoder().decode(prepareEvent(contract, sent, "names").body);
    expect(NamedV1.fromJSON(body).toJSON()).toEqual(json);
  });

  test("property names of Object.prototype (constructor, toString, valueOf) are typed per object, as each schema says, not as one union of every object's", async () => {
    const object = (types: readonly string[]) => ({
      type: "object",
      required: ["toString"],
      properties: Object.fromEntries(["constructor", "toString", "valueOf", "propertyIsEnumerable"].map((name, index) => [name, { type: types[index] }])),
    });
    using ws = specWorkspace({
      "specs/proto.yaml": componentSpec("Proto", { proto: "Proto" }, {
        Proto: { type: "object", required: ["toString"], properties: { toString: { type: "boolean" }, valueOf: { type: "number" }, "$evc:valueOf": { type: "string" }, first: object(["string", "integer", "string", "boolean"]), second: object(["boolean", "string", "integer", "string"]) } },
      }),
    });
    await generateClean(ws);
    const code = ws.read("generated/proto/proto.v1.ts");
    expect(code).toContain('declare readonly toString: boolean;\n  declare readonly valueOf?: number;\n  declare readonly "$evc:valueOf"?: string;');
    expect(code).toMatch(/interface ProtoV1First \{\s+readonly constructor\?: string;\s+readonly toString: number;\s+readonly valueOf\?: string;\s+readonly propertyIsEnumerable\?: boolean;\s+\}/);
    expect(code).toMatch(/interface ProtoV1Second \{\s+readonly constructor\?: boolean;\s+readonly toString: string;\s+readonly valueOf\?: number;\s+readonly propertyIsEnumerable\?: string;\s+\}/);
    const { ProtoV1 } = await ws.load<{ ProtoV1: EventClass }>("generated/proto/proto.v1.ts");
    const json = { toString: true, valueOf: 1.5, "$evc:valueOf": "v", first: { constructor: "c", toString: 1 }, second: { constructor: false, toString: "s", valueOf: 2 } };
    expect(JSON.parse(JSON.stringify(ProtoV1.fromJSON(json)))).toEqual(json);
    expect(ProtoV1.safeFromJSON({ ...json, first: { toString: "1" } }).success).toBe(false);
  });

  test("a payload that refers back to its root is typed there as the payload's JSON (an interface shared with events that nest the schema), not as the event class", async () => {
    const node = { type: "object", properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/components/schemas/Node" } }, meta: { type: "object", properties: { owner: { $ref: "#/components/schemas/Node" } } } } };
    using ws = specWorkspace({
      "specs/tree.yaml": componentSpec("Tree", { "tree.grown": "Node", "z.forest": "Forest" }, { Node: node, Forest: { type: "object", properties: { tree: { $ref: "#/components/schemas/Node" } } } }),
    });
    await generateClean(ws);
    const grown = ws.read("generated/tree/tree-grown.v1.ts");
    expect(grown).toContain("declare readonly children?: Node[];\n  declare readonly meta?: NodeMeta;");
    expect(grown).toContain('"items": { "$ref": "#" }');
    expect(ws.read("generated/tree/models.ts")).toMatch(/export interface Node \{[^}]*readonly children\?: Node\[\];\s+readonly meta\?: NodeMeta;\s+\}\s+export interface NodeMeta \{\s+readonly owner\?: Node;\s+\}/);
    const { TreeGrownV1 } = await ws.load<{ TreeGrownV1: EventClass }>("generated/tree/tree-grown.v1.ts");
    const json = { name: "a", children: [{ name: "b", children: [] }], meta: { owner: { name: "c" } } };
    expect(TreeGrownV1.fromJSON(json).toJSON()).toEqual(json);
    expect(TreeGrownV1.safeFromJSON({ children: [{ name: 1 }] }).success).toBe(false);
  });

  test("an object schema that may be null is typed with | null wherever it is used: a recursive node, a reference back to a nullable root, a list item (as a nullable string is)", async () => {
    const node = { type: ["object", "null"], properties: { name: { type: "string" }, next: { $ref: "#/components/schemas/Node" }, children: { type: "array", items: { $ref: "#/components/schemas/Node" } } } };
    const item = { type: ["object", "null"], properties: { value: { type: "string" }, next: { $ref: "#/components/schemas/Item" } } };
    using ws = specWorkspace({
      "specs/tree.yaml": componentSpec("Tree", { "tree.grown": "Tree", "list.made": "Item" }, { Node: node, Item: item, Tree: { type: "object", properties: { root: { $ref: "#/components/schemas/Node" }, tags: { type: "array", items: { type: ["string", "null"] } } } } }),
    });
    await generateClean(ws);
    expect(ws.read("generated/tree/tree-grown.v1.ts")).toMatch(/interface Node \{\s+readonly name\?: string;\s+readonly next\?: Node \| null;\s+readonly children\?: \(Node \| null\)\[\];\s+\}/);
    ws.write(
      "probe.ts",
      [
        'import type { TreeGrownV1Json } from "./generated/tree/tree-grown.v1.js";',
        'import type { ListMadeV1Json } from "./generated/tree/list-made.v1.js";',
        'export const tree: TreeGrownV1Json = { root: { name: "a", next: null, children: [null, { next: { next: null } }] } };',
        'export const empty: TreeGrownV1Json = { root: null, tags: ["a", null] };',
        'export const list: ListMadeV1Json = { value: "a", next: { next: null } };',
        "// @ts-expect-error a node is an object or null",
        'export const wrongNode: TreeGrownV1Json = { root: { next: "b" } };',
        "// @ts-expect-error a child is a node or null",
        "export const wrongChild: TreeGrownV1Json = { root: { children: [1] } };",
        "// @ts-expect-error an item is an object or null",
        "export const wrongItem: ListMadeV1Json = { next: { next: false } };",
        "",
      ].join("\n"),
    );
    expect(typecheck([join(ws.dir, "probe.ts")])).toEqual([]);
    const { TreeGrownV1 } = await ws.load<{ TreeGrownV1: EventClass }>("generated/tree/tree-grown.v1.ts");
    const json = { root: { name: "a", next: null, children: [null, { next: null }] } };
    expect(TreeGrownV1.fromJSON(json).toJSON()).toEqual(json);
  });

  test("a field printed as a literal (a one-value enum, a const) imports no model, so the SDK compiles under noUnusedLocals", async () => {
    using ws = specWorkspace({
      "specs/bots.yaml": componentSpec(
        "Bots",
        { "bot.added": "BotEvent", "bot.changed": "BotEvent" },
        {
          BotEvent: {
            type: "object",
            properties: { kind: { $ref: "#/components/schemas/Kind" }, origin: { $ref: "#/components/schemas/Origin" }, bot: { $ref: "#/components/schemas/Bot" } },
          },
          Kind: { type: "string", enum: ["bot_added"] },
          Origin: { type: "string", const: "slack" },
          Bot: { type: "object", properties: { id: { type: "string" } } },
        },
      ),
    });
    await generateClean(ws);
    for (const file of ["generated/bots/bot-added.v1.ts", "generated/bots/bot-changed.v1.ts"]) {
      const text = ws.read(file);
      expect(text).toContain('declare readonly kind?: "bot_added";');
      expect(text).toContain('declare readonly origin?: "slack";');
      expect(text.split("\n").filter((line) => line.includes('from "./models.js"'))).toEqual([expect.stringMatching(/^import type \{ [A-Za-z]*Bot \} from/)]);
    }
  });

  test("a const object is typed as its literal and leaves no empty model behind, at the root or nested", async () => {
    using ws = specWorkspace({
      "specs/shapes.yaml": componentSpec(
        "Shapes",
        { "shape.drawn": "Drawn" },
        {
          Drawn: {
            type: "object",
            properties: {
              shape: { const: { kind: "square", sides: [1, 2] } },
              frame: { type: "object", properties: { style: { const: { line: "dashed" } }, width: { type: "integer" } } },
            },
          },
        },
      ),
    });
    await generateClean(ws);
    const text = ws.read("generated/shapes/shape-drawn.v1.ts");
    expect(text).toContain('declare readonly shape?: {"kind":"square","sides":[1,2]};');
    expect(text).toContain('readonly style?: {"line":"dashed"};');
    const declared = [...text.matchAll(/^export (?:interface|type|class) (\w+)/gm)].map((match) => match[1]);
    expect(declared.sort()).toEqual(["ShapeDrawnV1", "ShapeDrawnV1Frame", "ShapeDrawnV1Json"].sort());
    expect(text).not.toMatch(/interface \w+ \{\s*\}/);
  });

  test("a payload that is not always an object is wrapped in a class whose value has the payload's own type", async () => {
    const schemas = {
      Seen: { type: ["object", "null"], properties: { at: { type: "integer" } } },
      Word: { type: "string" },
      Words: { type: "array", items: { type: "string" } },
      Count: { type: "number" },
      MaybeWord: { type: ["string", "null"] },
    };
    using ws = specWorkspace({
      "specs/maybe.yaml": componentSpec(
        "Maybe",
        { "seen.at.v": "Seen", "seen.again": "Seen", word: "Word", words: "Words", count: "Count", "maybe.word": "MaybeWord" },
        schemas,
      ),
    });
    await generateClean(ws);
    const index = await ws.load<Record<string, unknown>>("generated/index.ts");
    const cases = [
      // One class name has two capitals in a row, which Modelina's own naming would fold ("SeenAtVv1").
      { file: "seen-at-v.v1.ts", className: "SeenAtVV1", value: "SeenAtVV1Value | null", model: "export interface SeenAtVV1Value {", good: ['{"at":5}', "null"], bad: '{"at":"five"}' },
      { file: "seen-again.v1.ts", className: "SeenAgainV1", value: "SeenAgainV1Value | null", model: "export interface SeenAgainV1Value {", good: ['{"at":5}', "null"], bad: '{"at":"five"}' },
      { file: "word.v1.ts", className: "WordV1", value: "WordV1Value", model: "export type WordV1Value = string;", good: ['"hello"'], bad: "5" },
      { file: "words.v1.ts", className: "WordsV1", value: "WordsV1Value", model: "export type WordsV1Value = string[];", good: ['["a","b"]'], bad: "[1]" },
      { file: "count.v1.ts", className: "CountV1", value: "CountV1Value", model: "export type CountV1Value = number;", good: ["2.5"], bad: '"2.5"' },
      { file: "maybe-word.v1.ts", className: "MaybeWordV1", value: "MaybeWordV1Value", model: "export type MaybeWordV1Value = string | null;", good: ['"hi"', "null"], bad: "1" },
    ];
    for (const { file, className, value, model, good, bad } of cases) {
      const text = ws.read(`generated/maybe/${file}`);
      expect({ file, value: text.includes(`declare readonly value: ${value};`), model: text.includes(model) }).toEqual({ file, value: true, model: true });
      const eventClass = index[className] as EventClass;
      for (const json of good) expect(eventClass.fromJSON(json).toJSON()).toEqual(JSON.parse(json));
      expect(eventClass.safeFromJSON(bad).success).toBe(false);
    }
  });

  test("a class with fields refuses a payload that is not an object, which a schema without type: object lets through, naming event, version and why", async () => {
    using ws = specWorkspace({ "specs/loose.yaml": componentSpec("Loose", { "loose.set": "Loose" }, { Loose: { properties: { a: { type: "integer" } } } }) });
    await generateClean(ws);
    const { LooseSetV1 } = await ws.load<{ LooseSetV1: EventClass & (new (input: unknown) => unknown) }>("generated/index.ts");
    expect(LooseSetV1.fromJSON('{"a":1}').toJSON()).toEqual({ a: 1 });
    for (const [json, kind] of [['"text"', "a string"], ["[1]", "an array"], ["5", "a number"]] as const) {
      const refused = LooseSetV1.safeFromJSON(json);
      expect({ json, success: refused.success, message: refused.error?.message }).toEqual({
        json,
        success: false,
        message: `invalid "loose.set" v1: / must be object: the class LooseSetV1 has fields, and this payload is ${kind} (the schema lets it through because it does not say type: object)`,
      });
    }
    expect(() => new LooseSetV1("text")).toThrow(/^invalid "loose\.set" v1: \/ must be object/);
  });
});
