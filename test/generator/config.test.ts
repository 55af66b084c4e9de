import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "@evc/cli";
import { specWorkspace } from "../helpers/spec-workspace.js";

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.diagnostics.map((d) => `${d.location.file}:${d.location.line}:${d.location.column}: ${d.message}`);
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config - evc.config.yaml", () => {
  test("a folder without a configuration gets the defaults", () => {
    using ws = specWorkspace();
    const config = loadConfig({ cwd: ws.dir, file: undefined });
    expect(config).toEqual({
      file: undefined,
      root: ws.dir,
      specs: join(ws.dir, "asyncapi"),
      output: { dir: join(ws.dir, "generated"), runtimeImport: undefined },
      upcasters: join(ws.dir, "upcasters"),
      compatibility: { mode: "BACKWARD", policy: "strict", baseline: undefined, lock: join(ws.dir, "evc.lock.yaml"), accept: [] },
      written: {},
    });
  });

  test("every setting is read, paths relative to the file's folder", () => {
    using ws = specWorkspace({
      "contracts/evc.config.yaml": [
        "version: 1",
        "specs: specs",
        "output:",
        "  dir: sdk",
        '  runtimeImport: "@evc/runtime/codegen"',
        "upcasters: up",
        "compatibility:",
        "  mode: FULL_TRANSITIVE",
        "  policy: lenient",
        "  baseline: main",
        "  lock: locks/evc.lock.yaml",
        "  accept:",
        "    - contract: record-created@v2",
        "      rule: PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
        '      reason: "no producer ever sent it"',
        "",
      ].join("\n"),
    });
    const root = join(ws.dir, "contracts");
    const config = loadConfig({ cwd: ws.dir, file: "contracts/evc.config.yaml" });
    expect(config).toEqual({
      file: join(root, "evc.config.yaml"),
      root,
      specs: join(root, "specs"),
      output: { dir: join(root, "sdk"), runtimeImport: "@evc/runtime/codegen" },
      upcasters: join(root, "up"),
      compatibility: {
        mode: "FULL_TRANSITIVE",
        policy: "lenient",
        baseline: "main",
        lock: join(root, "locks/evc.lock.yaml"),
        accept: [
          {
            contract: "record-created@v2",
            rule: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL",
            reason: "no producer ever sent it",
            location: { file: "contracts/evc.config.yaml", line: 13, column: 7 },
          },
        ],
      },
      written: { specs: { file: "contracts/evc.config.yaml", line: 2, column: 1 }, baseline: { file: "contracts/evc.config.yaml", line: 10, column: 3 } },
    });
  });

  test("schema violations are reported at file:line:col, every one", () => {
    using ws = specWorkspace({
      "evc.config.yaml": ["version: 2", "spec: asyncapi", "compatibility:", "  mode: SIDEWAYS", "  accept:", "    - contract: record-created", "      rule: MIN_LENGTH_INCREASED", ""].join("\n"),
    });
    expect(problemsOf(() => loadConfig({ cwd: ws.dir, file: undefined }))).toEqual([
      'evc.config.yaml:2:1: unknown key "spec" in the configuration',
      'evc.config.yaml:1:1: "version" must be 1',
      'evc.config.yaml:4:3: "compatibility.mode" must be equal to one of the allowed values: BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE',
      "evc.config.yaml:6:7: \"compatibility.accept.0\" must have required property 'reason'",
      'evc.config.yaml:6:7: "compatibility.accept.0.contract" must match pattern "^[A-Za-z0-9._-]+@v[1-9][0-9]*$"',
    ]);
  });

  test("an accepted break naming a rule the checker does not have is refused at its line", () => {
    using ws = specWorkspace({
      "evc.config.yaml": ["version: 1", "compatibility:", "  accept:", "    - contract: a@v1", "      rule: PROPERTY_REMOVED", "      reason: gone", ""].join("\n"),
    });
    expect(problemsOf(() => loadConfig({ cwd: ws.dir, file: undefined }))).toEqual([
      'evc.config.yaml:5:7: unknown rule "PROPERTY_REMOVED" in an accepted break: use a rule id that `evc check` prints',
    ]);
  });

  test("a --config file that does not exist, and invalid YAML, are errors at the file", () => {
    using ws = specWorkspace({ "evc.config.yaml": "version: 1\nspecs: [\n" });
    expect(problemsOf(() => loadConfig({ cwd: ws.dir, file: "other.yaml" }))).toEqual(['other.yaml:1:1: cannot read "other.yaml": file not found']);
    expect(problemsOf(() => loadConfig({ cwd: ws.dir, file: undefined }))[0]).toMatch(/^evc\.config\.yaml:\d+:\d+: invalid YAML/);
  });

  test("this repository's configuration is valid", () => {
    const config = loadConfig({ cwd: process.cwd(), file: undefined });
    expect(config.file).toBe(join(process.cwd(), "evc.config.yaml"));
    expect(config.compatibility.lock).toBe(join(process.cwd(), "evc.lock.yaml"));
  });
});
