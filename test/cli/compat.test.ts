import { describe, expect, test } from "vitest";
import { specWorkspace } from "../helpers/spec-workspace.js";

const order = {
  type: "object",
  additionalProperties: false,
  required: ["id"],
  properties: {
    id: { type: "string" },
    note: { type: "string", maxLength: 10 },
  },
};

/** A workspace holding old.json (the order above) and new.json (the order with an edit), pretty-printed. */
function pair(edit: (schema: typeof order) => unknown) {
  return specWorkspace({
    "old.json": JSON.stringify(order, null, 2),
    "new.json": JSON.stringify(edit(structuredClone(order)), null, 2),
  });
}

describe("cli - evc compat", () => {
  test("a compatible schema exits 0 and says so", async () => {
    using ws = pair((schema) => ({ ...schema, properties: { ...schema.properties, note: { type: "string", maxLength: 20 } } }));
    expect(await ws.evc("compat", "old.json", "new.json")).toEqual({
      code: 0,
      stdout: '"new.json" is BACKWARD compatible with "old.json" under the strict policy\n',
      stderr: "",
    });
  });

  test("a breaking change exits 1 and is printed at its line and column in the new file", async () => {
    using ws = pair((schema) => ({ ...schema, properties: { ...schema.properties, note: { type: "string", maxLength: 5 } } }));
    const lines = ws.read("new.json").split("\n");
    const line = lines.findIndex((text) => text.includes('"maxLength": 5')) + 1;
    const column = (lines[line - 1] as string).indexOf('"maxLength"') + 1;
    const { code, stdout } = await ws.evc("compat", "old.json", "new.json");
    expect(code).toBe(1);
    expect(stdout).toBe(
      `new.json:${line}:${column}: "note": maxLength decreased from 10 to 5 (MAX_LENGTH_DECREASED, breaks BACKWARD)\n` +
        '"new.json" is not BACKWARD compatible with "old.json" under the strict policy: 1 breaking change\n',
    );
  });

  test("a schema written in YAML is compared like JSON, and a breaking change is printed at its line and column in the YAML", async () => {
    using ws = pair((schema) => schema);
    ws.write("new.yaml", "type: object\nadditionalProperties: false\nrequired: [id]\nproperties:\n  id: { type: string }\n  note: { type: string, maxLength: 5 }\n");
    const { code, stdout } = await ws.evc("compat", "old.json", "new.yaml");
    expect(code).toBe(1);
    expect(stdout).toBe(
      'new.yaml:6:25: "note": maxLength decreased from 10 to 5 (MAX_LENGTH_DECREASED, breaks BACKWARD)\n' +
        '"new.yaml" is not BACKWARD compatible with "old.json" under the strict policy: 1 breaking change\n',
    );
  });

  test("a __proto__ property of a JSON file is an ordinary property, as JSON.parse reads it; in YAML, as in specs, it is refused where it is written", async () => {
    using ws = pair((schema) => schema);
    ws.write("old.json", '{ "type": "object", "properties": { "__proto__": { "type": "string" } } }\n');
    ws.write("new.json", '{ "type": "object", "properties": { "__proto__": { "type": "integer" } } }\n');
    const { code, stdout } = await ws.evc("compat", "old.json", "new.json");
    expect(stdout).toContain('"__proto__": type changed from string to integer (TYPE_CHANGED, breaks BACKWARD)\n');
    expect(code).toBe(1);
    ws.write("new.yaml", "type: object\nproperties:\n  __proto__: { type: integer }\n");
    expect(await ws.evc("compat", "old.json", "new.yaml")).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('new.yaml:3:3: error: key "__proto__" is refused: JavaScript reads it as the object\'s prototype, not as a property; rename it (evc-prototype-key)') as string,
    });
  });

  test("--mode FORWARD and FULL check the other direction, named as the change from old to new", async () => {
    using ws = pair((schema) => ({ ...schema, properties: { ...schema.properties, note: { type: "string", maxLength: 20 } } }));
    const forward = await ws.evc("compat", "old.json", "new.json", "--mode", "forward");
    expect(forward.code).toBe(1);
    expect(forward.stdout).toContain('"note": maxLength increased from 10 to 20 (MAX_LENGTH_INCREASED, breaks FORWARD)');
    expect((await ws.evc("compat", "old.json", "new.json", "--mode", "FULL_TRANSITIVE")).code).toBe(1);
    expect((await ws.evc("compat", "old.json", "new.json", "--mode", "NONE")).code).toBe(0);
  });

  test("--policy lenient accepts an optional property added to an open content model, strict does not", async () => {
    using ws = pair((schema) => {
      const { additionalProperties: _, ...open } = schema;
      return open;
    });
    ws.write("old.json", ws.read("new.json"));
    ws.write("new.json", JSON.stringify({ ...JSON.parse(ws.read("old.json")), properties: { ...order.properties, tag: { type: "string" } } }));
    const strict = await ws.evc("compat", "old.json", "new.json");
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain("(OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL, breaks BACKWARD)");
    expect((await ws.evc("compat", "old.json", "new.json", "--policy", "lenient")).code).toBe(0);
  });

  test("--json prints the verdict and every finding with its location", async () => {
    using ws = pair((schema) => ({ ...schema, required: ["id", "note"] }));
    const { code, stdout } = await ws.evc("compat", "old.json", "new.json", "--json", "--mode", "FULL");
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      command: "compat",
      ok: false,
      exitCode: 1,
      summary: '"new.json" is not FULL compatible with "old.json" under the strict policy: 1 breaking change',
      findings: [
        {
          severity: "error",
          rule: "REQUIRED_ATTRIBUTE_ADDED",
          path: "#/required/note",
          breaks: ["BACKWARD"],
          message: '"note": property made required',
          location: { file: "new.json", line: 4, column: 3 },
        },
      ],
    });
  });

  test("--format github-actions prints one annotation per finding at its file and line, then the verdict", async () => {
    using ws = pair((schema) => ({ ...schema, required: ["id", "note"] }));
    const { code, stdout } = await ws.evc("compat", "old.json", "new.json", "--format", "github-actions");
    expect(code).toBe(1);
    expect(stdout).toBe(
      '::error file=new.json,line=4,col=3,title=evc compat%3A REQUIRED_ATTRIBUTE_ADDED::"note": property made required (breaks BACKWARD)\n' +
        'evc compat: "new.json" is not BACKWARD compatible with "old.json" under the strict policy: 1 breaking change\n',
    );
  });

  test("--format junit prints a test case per finding, failing for breaking ones; none is one passing case", async () => {
    using broken = pair((schema) => ({ ...schema, required: ["id", "note"] }));
    const failing = await broken.evc("compat", "old.json", "new.json", "--format", "junit");
    expect(failing.code).toBe(1);
    expect(failing.stdout).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="evc compat" tests="1" failures="1">',
        '  <testsuite name="evc compat" tests="1" failures="1">',
        '    <testcase classname="new.json" name="REQUIRED_ATTRIBUTE_ADDED new.json:4:3">',
        '      <failure message="&quot;note&quot;: property made required (breaks BACKWARD)" type="REQUIRED_ATTRIBUTE_ADDED"/>',
        "    </testcase>",
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
    using same = pair((schema) => schema);
    const passing = await same.evc("compat", "old.json", "new.json", "--format", "junit");
    expect(passing.code).toBe(0);
    expect(passing.stdout).toContain('tests="1" failures="0"');
    expect(passing.stdout).toContain('<testcase classname="evc compat" name="&quot;new.json&quot; is BACKWARD compatible with &quot;old.json&quot; under the strict policy"/>');
  });

  test("a failure to run is JSON too with --format json, exit 2", async () => {
    using ws = pair((schema) => schema);
    const { code, stdout } = await ws.evc("compat", "missing.json", "new.json", "--format", "json");
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({
      command: "compat",
      ok: false,
      exitCode: 2,
      summary: 'evc: invalid argument "old": a JSON Schema file, but cannot read "missing.json": file not found',
      findings: [{ severity: "error", rule: "CANNOT_RUN", message: 'invalid argument "old": a JSON Schema file, but cannot read "missing.json": file not found' }],
    });
  });

  test.each([
    [["compat", "old.json", "new.json", "--format", "yaml"], 'evc: invalid argument "format": one of text, json, github-actions, junit, but "yaml" is none\n'],
    [["compat", "missing.json", "new.json"], 'evc: invalid argument "old": a JSON Schema file, but cannot read "missing.json": file not found\n'],
    [["compat", "old.json", "broken.json"], 'evc: invalid argument "new": a JSON Schema file (JSON or YAML), but broken.json:1:22: error: invalid YAML: '],
    [["compat", "old.json", "list.json"], 'evc: invalid argument "new": a JSON Schema file, but "list.json" holds an array, not an object or a boolean\n'],
    [["compat", "old.json", "new.json", "--mode", "SIDEWAYS"], 'evc: invalid argument "mode": one of BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE, but "SIDEWAYS" is none\n'],
    [["compat", "old.json", "new.json", "--policy", "loose"], 'evc: invalid argument "policy": strict or lenient, but "loose" is neither\n'],
    [["compat", "old.json", "remote.json"], 'evc: cannot resolve "$ref" "https://example.com/order.json" at #/properties/id: only references inside the schema ("#/...") are supported\n'],
    [["compat", "old.json"], "error: missing required argument 'new'"],
    [["compat", "old.json", "new.json", "--colour"], "error: unknown option '--colour'"],
  ])("%j exits 2 with a clear message", async (args, message) => {
    using ws = pair((schema) => schema);
    ws.write("broken.json", '{ "type": "object", ');
    ws.write("list.json", "[]");
    ws.write("remote.json", JSON.stringify({ properties: { id: { $ref: "https://example.com/order.json" } } }));
    const { code, stdout, stderr } = await ws.evc(...args);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.startsWith(message)).toBe(true);
  });
});
