import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lightsSpec as valid } from "../helpers/lights-spec.js";
import { folderFiles } from "../helpers/folder-files.js";
import { diagnosticMessage, withoutBranchEchoes } from "../../generator/parse.js";
import { specWorkspace } from "../helpers/spec-workspace.js";
import { componentSpec } from "../helpers/component-spec.js";

describe("generator - bad input", () => {
  test("a YAML syntax error names file, line and column", async () => {
    using ws = specWorkspace({ "specs/broken.yaml": "asyncapi: 3.0.0\ninfo:\n  title: [unclosed\n  version: 1.0.0\n" });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^specs\/broken\.yaml:\d+:\d+: error: invalid YAML: .+ \(evc-yaml-syntax\)$/m);
  });

  test("an invalid document is reported where the parser found it", async () => {
    using ws = specWorkspace({ "specs/lights.yaml": valid.replace("  title: Lights\n", "") });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^specs\/lights\.yaml:2:\d+: error: .*"title".* \(asyncapi-document-/m);
  });

  test("a mistake inside a payload is reported once, where it is, not also as the meta-schema's failed branch at the payload", async () => {
    using ws = specWorkspace({ "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { type: integr, minimum: 0 }") });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    const line = valid.split("\n").findIndex((text) => text.includes("lumens:")) + 1;
    expect(stderr).toMatch(new RegExp(`^specs/lights\\.yaml:${line}:\\d+: error: "type" property must be equal to one of the allowed values: .* at components\\.messages\\.\\S+\\.lumens\\.type \\(asyncapi-document-resolved\\)$`, "m"));
    expect(stderr).not.toContain('must match "else" schema');
    expect(stderr).toContain("evc: 1 error in the specs");
  });

  test("a failed branch is dropped only where an error of the same rule under its path says more", () => {
    const branch = { code: "rule", message: '"payload" property must match "else" schema', path: ["components", "messages", "M", "payload"] };
    const deeper = { code: "rule", message: '"type" property must be string', path: [...branch.path, "properties", "x", "type"] };
    const beside = { code: "rule", message: '"name" property must be string', path: ["components", "messages", "M", "name"] };
    expect(withoutBranchEchoes([branch, deeper])).toEqual([deeper]);
    expect(withoutBranchEchoes([branch, beside])).toEqual([branch, beside]);
    expect(withoutBranchEchoes([branch, { ...deeper, code: "other-rule" }])).toEqual([branch, { ...deeper, code: "other-rule" }]);
  });

  test("an unresolved local and a missing file $ref are both reported, with every other problem, at once", async () => {
    using ws = specWorkspace({
      "specs/a.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { $ref: '#/components/schemas/Nope' }"),
      "specs/b.yaml": valid.replace("Lights", "Other").replace("light.measured", "other.measured").replace("lumens: { type: integer, minimum: 0 }", "lumens: { $ref: './missing.yaml' }"),
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    const line = valid.split("\n").findIndex((text) => text.includes("lumens:")) + 1;
    expect(stderr).toMatch(new RegExp(`^specs/a\\.yaml:${line}:\\d+: error: cannot resolve \\$ref "#/components/schemas/Nope": "specs/a\\.yaml" has no "schemas" at /components \\(it has "messages"\\) \\(evc-unresolved-ref\\)$`, "m"));
    expect(stderr).toMatch(/^specs\/b\.yaml:18:27: error: cannot resolve \$ref "\.\/missing\.yaml": "specs\/missing\.yaml" does not exist \(evc-unresolved-ref\)$/m);
    expect(stderr).toContain("evc: 2 errors in the specs");
  });

  test("a $ref whose pointer leads nowhere is reported at that $ref, not where the parser was following a chain of references to it", async () => {
    const renamed = valid.replace("    LightMeasured:\n      name:", "    LightMeasuredV1:\n      name:");
    using ws = specWorkspace({ "specs/lights.yaml": `${renamed}operations:\n  send:\n    action: send\n    channel: { $ref: '#/channels/measured' }\n    messages:\n      - $ref: '#/channels/measured/messages/LightMeasured'\n` });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    const line = renamed.split("\n").findIndex((text) => text.includes("$ref: '#/components/messages/LightMeasured'")) + 1;
    expect(stderr).toBe(
      `specs/lights.yaml:${line}:15: error: cannot resolve $ref "#/components/messages/LightMeasured": "specs/lights.yaml" has no "LightMeasured" at /components/messages (it has "LightMeasuredV1") (evc-unresolved-ref)\nevc: 1 error in the specs; generated left unchanged\n`,
    );
  });

  test("a $ref into another file names the file and what it has; a pointer through a $ref is left to the parser, which follows it", async () => {
    const through = valid
      .replace("components:\n", "components:\n  schemas:\n    Alias: { $ref: '#/components/schemas/Reading' }\n    Reading: { type: object, properties: { lumens: { type: integer } } }\n")
      .replace("lumens: { type: integer, minimum: 0 }", "lumens: { $ref: '#/components/schemas/Alias/properties/lumens' }");
    using good = specWorkspace({ "specs/lights.yaml": through });
    expect(await good.evc("generate", "--specs", "specs")).toMatchObject({ code: 0, stderr: "" });
    const shared = "components:\n  schemas:\n    Lumens: { type: integer, minimum: 0 }\n    Reading: { type: object }\n";
    using bad = specWorkspace({ "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { $ref: './shared.yaml#/components/schemas/Lumen' }"), "specs/shared.yaml": shared });
    const { code, stderr } = await bad.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^specs\/lights\.yaml:\d+:\d+: error: cannot resolve \$ref "\.\/shared\.yaml#\/components\/schemas\/Lumen": "specs\/shared\.yaml" has no "Lumen" at \/components\/schemas \(it has "Lumens", "Reading"\) \(evc-unresolved-ref\)$/m);
  });

  test("a $ref out of the specs folder is refused at the $ref, followed symbolic links included, and nothing is read from there", async () => {
    using ws = specWorkspace({
      "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { const: { $ref: '../secret.yaml' } }\n          host: { const: { $ref: '/etc/hostname' } }\n          linked: { const: { $ref: './link.yaml' } }"),
      "secret.yaml": "token: secret-token-123\n",
    });
    symlinkSync(join(ws.dir, "secret.yaml"), join(ws.dir, "specs/link.yaml"));
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    const outside = (ref: string) => new RegExp(`^specs/lights\\.yaml:\\d+:\\d+: error: \\$ref "${ref.replace(/[./]/g, "\\$&")}" leads out of the specs folder "specs"; only files below it are read, so that a spec cannot copy other files of the machine into the SDK \\(evc-ref-outside\\)$`, "m");
    for (const ref of ["../secret.yaml", "/etc/hostname", "./link.yaml"]) expect(stderr).toMatch(outside(ref));
    expect(existsSync(join(ws.dir, "generated"))).toBe(false);
  });

  test("a $ref to a file below the specs folder whose name starts with two dots (..shared.yaml) stays in the folder, and is read", async () => {
    using ws = specWorkspace({
      "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { $ref: './..shared.yaml#/Lumens' }"),
      "specs/..shared.yaml": "Lumens: { type: integer, minimum: 0 }\n",
    });
    expect(await ws.evc("generate", "--specs", "specs")).toMatchObject({ code: 0, stderr: "" });
  });

  test("a pointer into another file through a $ref there, which the parser cannot follow, is an error at the $ref that says where to point instead", async () => {
    const shared = "components:\n  schemas:\n    Alias: { $ref: '#/components/schemas/Reading' }\n    Reading: { type: object, properties: { lumens: { type: integer } } }\n";
    const through = valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { $ref: './shared.yaml#/components/schemas/Alias/properties/lumens' }");
    using ws = specWorkspace({ "specs/lights.yaml": through, "specs/shared.yaml": shared });
    const line = through.split("\n").findIndex((text) => text.includes("shared.yaml#")) + 1;
    expect(await ws.evc("generate", "--specs", "specs")).toMatchObject({
      code: 1,
      stderr:
        `specs/lights.yaml:${line}:27: error: cannot resolve $ref "./shared.yaml#/components/schemas/Alias/properties/lumens": in "specs/shared.yaml", /components/schemas/Alias is itself a $ref ("#/components/schemas/Reading"), ` +
        'which the AsyncAPI parser does not follow inside a pointer into another file; point past it: "./shared.yaml#/components/schemas/Reading/properties/lumens" (evc-unresolved-ref)\nevc: 1 error in the specs; generated left unchanged\n',
    });
    using fixed = specWorkspace({ "specs/lights.yaml": through.replace("Alias/properties", "Reading/properties"), "specs/shared.yaml": shared });
    expect(await fixed.evc("generate", "--specs", "specs")).toMatchObject({ code: 0, stderr: "" });
  });

  test("the same type and version declared twice with different payloads is an error at the second", async () => {
    using ws = specWorkspace({
      "specs/a.yaml": valid,
      "specs/b.yaml": valid.replace("Lights", "Copy").replace("minimum: 0", "minimum: 1"),
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^specs\/b\.yaml:\d+:\d+: error: "light\.measured" v1 is declared twice with different contracts; the other one is at specs\/a\.yaml:\d+:\d+ \(evc-duplicate-event\)$/m);
  });

  test("stream limits that remove aggregates' events need expiresAggregates, and a max age under the duplicate window is refused, each where it is written", async () => {
    const real = readFileSync("asyncapi/latechforce.yaml", "utf8");
    const withLimits = (fields: string) => real.replace("      duplicateWindow: 2m\n", `      duplicateWindow: 2m\n${fields}`);
    const line = real.split("\n").indexOf("      duplicateWindow: 2m") + 2;
    const envelope = readFileSync("asyncapi/common/envelope.yaml", "utf8");
    using ws = specWorkspace({ "specs/latechforce.yaml": withLimits("      maxAge: 1m\n      maxMsgs: 1000\n"), "specs/common/envelope.yaml": envelope });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^specs/latechforce\\.yaml:${line}:\\d+: error: .*maxAge \\(1m\\) must be at least duplicateWindow \\(2m\\)`, "m"));
    expect(stderr).toMatch(new RegExp(`^specs/latechforce\\.yaml:${line}:\\d+: error: .*maxAge 1m removes events of the aggregates on this stream.*set expiresAggregates: true`, "m"));
    expect(stderr).toMatch(new RegExp(`^specs/latechforce\\.yaml:${line + 1}:\\d+: error: .*maxMsgs 1000 removes events`, "m"));
    using accepted = specWorkspace({ "specs/latechforce.yaml": withLimits("      maxAge: 30d\n      expiresAggregates: true\n"), "specs/common/envelope.yaml": envelope });
    expect(await accepted.evc("generate", "--specs", "specs")).toMatchObject({ code: 0, stderr: "" });
  });

  test("a failed run leaves the output exactly as it was", async () => {
    using ws = specWorkspace({ "specs/lights.yaml": valid });
    expect((await ws.evc("generate", "--specs", "specs")).code).toBe(0);
    const before = folderFiles(join(ws.dir, "generated"));
    expect(Object.keys(before).length).toBeGreaterThan(3);
    ws.write("specs/lights.yaml", valid.replace("type: integer", "type: [integer"));
    expect((await ws.evc("generate", "--specs", "specs")).code).toBe(1);
    expect(folderFiles(join(ws.dir, "generated"))).toEqual(before);
  });

  test("a folder that holds files evc did not generate is refused, not overwritten", async () => {
    using ws = specWorkspace({ "specs/lights.yaml": valid, "src/main.ts": "export const keep = 1;\n" });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs", "--out", "src");
    expect(code).toBe(2);
    expect(stderr).toContain('holds "main.ts", which evc did not generate; refusing to replace it');
    expect(ws.read("src/main.ts")).toBe("export const keep = 1;\n");
  });

  test("where the AsyncAPI parser crashes, its message is kept and its stack trace left out", () => {
    const crash = "Error thrown during AsyncAPI document parsing. Name: TypeError, message: path.startsWith is not a function, stack: TypeError: path.startsWith is not a function\n    at serializePath (/home/someone/project/node_modules/x.js:1:1)";
    expect(diagnosticMessage({ code: "uncaught-error", message: crash })).toBe(
      "Error thrown during AsyncAPI document parsing. Name: TypeError, message: path.startsWith is not a function (the AsyncAPI parser crashed on this document; its stack trace is left out)",
    );
    expect(diagnosticMessage({ code: "asyncapi-document-resolved", message: "a message, stack: not a stack" })).toBe("a message, stack: not a stack");
  });

  test("keys beside a $ref, which the parser drops with the object, are a warning at the $ref; the SDK is written", async () => {
    using ws = specWorkspace({
      "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { $ref: '#/components/schemas/Lumens', maximum: 100, description: capped }").replace("\ncomponents:\n", "\ncomponents:\n  schemas:\n    Lumens: { type: integer, minimum: 0 }\n"),
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toMatch(
      /^specs\/lights\.yaml:20:27: warning: "maximum", "description" beside \$ref "#\/components\/schemas\/Lumens" are ignored: the object is replaced by what it points to; to add to it, write allOf: \[\{ \$ref: "#\/components\/schemas\/Lumens" \}, \{ \.\.\. \}\] \(evc-ref-siblings\)$/m,
    );
    expect(code).toBe(0);
  });

  test("a __proto__ key written through an alias, and an alias key the parser would drop, are errors where they are written; nothing is generated", async () => {
    using ws = specWorkspace({
      "specs/lights.yaml": valid.replace("info:\n", "x-keys: { proto: &proto __proto__, name: &name room }\ninfo:\n").replace("lumens: { type: integer, minimum: 0 }", "lumens: { type: integer, minimum: 0 }\n          *proto : { type: string }\n          *name : { type: string }"),
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toMatch(/^specs\/lights\.yaml:20:11: error: key \*proto \(an alias of "__proto__"\) is refused: JavaScript reads it as the object's prototype, not as a property; rename it \(evc-prototype-key\)$/m);
    expect(stderr).toMatch(/^specs\/lights\.yaml:21:11: error: YAML alias \*name as a key is refused: the AsyncAPI parser drops the entry it keys without a word; write the key out \(evc-yaml-dropped\)$/m);
    expect(stderr).toContain("evc: 2 errors in the specs");
    expect(code).toBe(1);
    expect(existsSync(join(ws.dir, "generated"))).toBe(false);
  });

  test("a payload property with an empty key, which the parser would drop, is an error where it is written; nothing is generated", async () => {
    using ws = specWorkspace({ "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { type: integer, minimum: 0 }\n          ?\n          : { type: string }") });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toMatch(/^specs\/lights\.yaml:19:11: error: an entry with an empty key is refused: the AsyncAPI parser drops it without a word; write the key, quoted \(""\) if it is to be empty \(evc-yaml-dropped\)$/m);
    expect(code).toBe(1);
    expect(existsSync(join(ws.dir, "generated"))).toBe(false);
  });

  test("an integer beyond what a JavaScript number holds is a warning where it is written, in every run while it stays; the SDK is written", async () => {
    using ws = specWorkspace({ "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { type: integer, enum: [0, 9007199254740993] }") });
    const warning = /^specs\/lights\.yaml:18:46: warning: integer 9007199254740993 cannot be held exactly by a JavaScript number: .* read it as 9007199254740992; .* \(evc-unsafe-integer\)$/m;
    for (const args of [["--no-cache"], []]) {
      const { code, stderr } = await ws.evc("generate", "--specs", "specs", ...args);
      expect(stderr).toMatch(warning);
      expect(code).toBe(0);
    }
  });

  test("a plain key YAML reads as a number, which the parser would rename or refuse, is a warning where it is written, in the document and in a file a $ref reaches; the SDK is written", async () => {
    using ws = specWorkspace({
      "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { type: integer, minimum: 0 }\n          1.0: { type: string }\n          2: { $ref: './schemas.yaml#/Shade' }"),
      "specs/schemas.yaml": "Shade:\n  type: object\n  properties:\n    0x10: { type: string }\n",
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toMatch(/^specs\/lights\.yaml:19:11: warning: key 1\.0 is read as "1": YAML reads an unquoted 1\.0 as a number, which the parser writes as "1"; quote it \("1\.0"\) to keep the key as written \(evc-key-rewritten\)$/m);
    expect(stderr).toMatch(/^specs\/schemas\.yaml:4:5: warning: key 0x10 is read as "16": .* \(evc-key-rewritten\)$/m);
    expect(stderr).not.toMatch(/Mapping key|key 2 /);
    expect(code).toBe(0);
    expect(ws.read("generated/lights/light-measured.v1.ts")).toContain('declare readonly "1"?: string;');
  });

  test("an integer written as a float that a JavaScript number cannot hold is a warning where it is written, as one written as an integer is; the SDK is written", async () => {
    using ws = specWorkspace({ "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { type: integer, maximum: 12345678901234567890.0 }") });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toMatch(/^specs\/lights\.yaml:18:45: warning: integer 12345678901234567890\.0 cannot be held exactly by a JavaScript number: .* read it as 12345678901234567168; .* \(evc-unsafe-integer\)$/m);
    expect(code).toBe(0);
  });

  test("a misspelt keyword and a keyword of a later draft, which the SDK's validators skip, are each a warning where they are written", async () => {
    using ws = specWorkspace({
      "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { type: integer, minimun: 0 }\n          room: { type: object, unevaluatedProperties: false, properties: { x-name: { type: string } } }"),
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(stderr).toMatch(/^specs\/lights\.yaml:18:36: warning: "minimun" is no JSON Schema keyword, so it constrains nothing; did you mean "minimum"\? \(evc-unknown-keyword\)$/m);
    expect(stderr).toMatch(/^specs\/lights\.yaml:19:33: warning: "unevaluatedProperties" is a keyword of JSON Schema 2019-09\/2020-12; .* skip it, so it constrains nothing \(evc-later-draft-keyword\)$/m);
    expect(stderr).not.toMatch(/"x-name"|"type" is no/);
    expect(code).toBe(0);
  });

  test("two types that would write one file (abc, ABc), and a type too long for a file name, are errors at their messages", async () => {
    const long = "a".repeat(300);
    using ws = specWorkspace({ "specs/m.yaml": componentSpec("M", { abc: "Thing", ABc: "Thing", [long]: "Thing" }, { Thing: { type: "object" } }) });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^specs\/m\.yaml:1:\d+: error: "abc" v1 and "ABc" would both generate file m\/abc\.v1\.ts; rename one of the types \(evc-name-collision\)$/m);
    expect(stderr).toMatch(/^specs\/m\.yaml:1:\d+: error: "a{40}…" is too long a type name for a file name \(300 characters, at most 200\); shorten it \(evc-name-too-long\)$/m);
    expect(stderr).not.toMatch(/ENAMETOOLONG|Unexpected/);
  });

  test("a type whose handle would take a name the SDK's index declares (AnyEvent, a system's union) is an error at its message", async () => {
    using ws = specWorkspace({ "specs/m.yaml": componentSpec("M", { "any.event": "Thing", "m.event": "Thing", "latest-events": "Thing" }, { Thing: { type: "object" } }) });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    const lines = stderr.split("\n").filter((line) => line.includes("evc-name-collision")).map((line) => line.replace(/^specs\/m\.yaml:\d+:\d+: error: /, ""));
    expect(lines.sort()).toEqual([
      '"any.event" would name its handle AnyEvent, which the SDK declares for every event at once; rename the type (evc-name-collision)',
      '"latest-events" would name its handle LatestEvents, which the SDK declares for every event at once; rename the type (evc-name-collision)',
      `"m.event" would name its handle MEvent, which the SDK declares for the union of "m"'s events; rename the type (evc-name-collision)`,
    ]);
  });

  test("two request/reply operations that would take one name (getUser, get-user), or an operation that would take a type's handle, are errors naming both where they are written", async () => {
    const request = (id: string, message: string) => `  ${id}:
    action: send
    channel: { $ref: '#/channels/users' }
    messages: [{ $ref: '#/channels/users/messages/${message}' }]
    reply: { channel: { $ref: '#/channels/users' }, messages: [{ $ref: '#/channels/users/messages/Got' }] }
`;
    const message = (key: string, name: string) => `    ${key}: { name: ${name}, payload: { type: object } }\n`;
    using ws = specWorkspace({
      "specs/ops.yaml": `asyncapi: 3.0.0
info: { title: Ops, version: 1.0.0 }
channels:
  users:
    address: users
    messages:
${["Get", "Find", "Got", "Ask"].map((key) => `      ${key}: { $ref: '#/components/messages/${key}' }`).join("\n")}
operations:
${request("getUser", "Get")}${request("get-user", "Find")}${request("ask", "Ask")}components:
  messages:
${message("Get", "user.get")}${message("Find", "user.find")}${message("Got", "user.got")}${message("Ask", "ask.operation")}`,
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr.split("\n").filter((line) => line.includes("evc-name-collision"))).toEqual([
      'specs/ops.yaml:12:3: error: operations "getUser" and "get-user" (at specs/ops.yaml:17:3) would both generate GetUserOperation; rename one of the operations (evc-name-collision)',
      'specs/ops.yaml:22:3: error: operation "ask" would generate AskOperation, the handle of type "ask.operation"; rename the operation (evc-name-collision)',
    ]);
  });

  test("a $ref to the whole AsyncAPI document (# meant as the payload's root) is an error at the $ref that says how to recurse, not a crash", async () => {
    using ws = specWorkspace({
      "specs/tree.yaml": `asyncapi: 3.0.0
info: { title: Tree, version: 1.0.0 }
channels:
  c:
    address: c
    messages:
      A:
        name: tree.self
        payload:
          type: object
          properties:
            parent: { $ref: '#' }
`,
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toContain(
      'specs/tree.yaml:12:29: error: $ref "#" points at the whole AsyncAPI document "specs/tree.yaml", not at a schema: in an AsyncAPI document "#" is the document\'s root, not the payload\'s; for a recursive schema, declare it under components/schemas and refer to it there ("#/components/schemas/<Name>") (evc-document-ref)',
    );
    expect(stderr).not.toMatch(/dereference/);
  });

  test("two spec files that would make one system (shop.yaml, Shop.yaml) are an error at the second", async () => {
    using ws = specWorkspace({ "specs/shop.yaml": valid, "specs/Shop.yaml": valid.replace("light.measured", "light.dimmed") });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toContain('specs/shop.yaml:1:1: error: "specs/shop.yaml" and "specs/Shop.yaml" would both be system "shop" (one SDK folder, one union); rename one of the files (evc-system-collision)');
  });

  test("two spec files whose systems would declare one union (a1.yaml, a-1.yaml: A1Event) are an error at the second", async () => {
    using ws = specWorkspace({ "specs/a1.yaml": valid, "specs/a-1.yaml": valid.replace("light.measured", "light.dimmed") });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toContain('specs/a1.yaml:1:1: error: "specs/a1.yaml" (system "a1") and "specs/a-1.yaml" (system "a-1") would both declare the union A1Event; rename one of the files (evc-system-collision)');
  });

  test("a missing specs path is a bad call (exit 2)", async () => {
    using ws = specWorkspace();
    const { code, stderr } = await ws.evc("generate", "--specs", "nope");
    expect(code).toBe(2);
    expect(stderr).toBe('evc: invalid argument "specs": a spec file or folder, but "nope" does not exist\n');
  });

  test("a folder with neither a configuration nor asyncapi/ is told how to start (exit 2)", async () => {
    using ws = specWorkspace();
    for (const command of ["generate", "check", "list"]) {
      const { code, stderr } = await ws.evc(command);
      expect(code).toBe(2);
      expect(stderr).toBe(
        'evc: invalid argument "specs": specs to read, but there is no evc.config.yaml here and no "asyncapi" folder: run `npx evc init` to start a contracts repository here, or pass --specs <file or folder>\n',
      );
    }
  });
});

describe("generator - yaml bombs", () => {
  const laughs = (levels: number) => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let level = 1; level < levels; level++) {
      const previous = String.fromCharCode(96 + level);
      const name = String.fromCharCode(97 + level);
      lines.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(",")}]`);
    }
    return lines.join("\n");
  };

  test("a billion-laughs document is rejected before the parser sees it", async () => {
    using ws = specWorkspace({ "specs/bomb.yaml": `asyncapi: 3.0.0\ninfo: { title: Bomb, version: 1.0.0 }\nx-bomb:\n${laughs(9).replace(/^/gm, "  ")}\n` });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    // The first alias: `*a`, in the list of `b`, the fifth line.
    expect(stderr).toMatch(/^specs\/bomb\.yaml:5:10: error: YAML aliases would be expanded more than 1000 times; expand them by hand \(evc-yaml-alias-bomb\)$/m);
  });

  test("a bomb in a $ref'd file is rejected too", async () => {
    using ws = specWorkspace({
      "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: { $ref: './parts/bomb.yaml#/a' }"),
      "specs/parts/bomb.yaml": laughs(9),
    });
    const { code, stderr } = await ws.evc("generate", "--specs", "specs");
    expect(code).toBe(1);
    expect(stderr).toMatch(/^specs\/parts\/bomb\.yaml:2:8: error: YAML aliases would be expanded more than 1000 times/m);
  });

  test("a few aliases, as real specs use them, are fine", async () => {
    using ws = specWorkspace({
      "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", "lumens: &count { type: integer, minimum: 0 }\n          watts: *count"),
    });
    expect((await ws.evc("generate", "--specs", "specs")).code).toBe(0);
    expect(ws.read("generated/lights/light-measured.v1.ts")).toContain("declare readonly watts?: number;");
  });
});

describe("generator - remote $refs", () => {
  let server: Server;
  let requests = 0;
  let url = "";

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests++;
      response.setHeader("content-type", "application/yaml");
      response.end("type: integer\nminimum: 0\n");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/lumens.yaml`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("are not fetched unless --allow-remote-refs is given", async () => {
    using ws = specWorkspace({ "specs/lights.yaml": valid.replace("lumens: { type: integer, minimum: 0 }", `lumens: { $ref: '${url}' }`) });
    const refused = await ws.evc("generate", "--specs", "specs");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^specs\/lights\.yaml:18:27: error: remote \$ref ".+" is not fetched; pass --allow-remote-refs to let the parser fetch it \(evc-remote-ref\)$/m);
    expect(requests).toBe(0);

    const allowed = await ws.evc("generate", "--specs", "specs", "--allow-remote-refs");
    expect(allowed.stderr).toBe("");
    expect(allowed.code).toBe(0);
    expect(requests).toBeGreaterThan(0);
    expect(ws.read("generated/lights/light-measured.v1.ts")).toContain("declare readonly lumens?: number;");
  });
});
