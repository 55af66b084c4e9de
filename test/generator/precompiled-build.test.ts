import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { Ajv } from "ajv";
import { precompiledValidatorModules } from "../../generator/precompiled-build.js";
import { metaSchemaValidator, metaSchemaValidatorName, precompiledAsyncApiVersions } from "../../generator/meta-schema-validators.js";
import { ownSchemas } from "../../generator/own-schemas.js";
import { precompiledValidator } from "../../generator/precompiled-validators.js";
import { lightsSpec } from "../helpers/lights-spec.js";

const built = resolve(import.meta.dirname, "../../generator/dist/precompiled");

describe("generator - the precompiled schema validators", () => {
  test(
    "the tool package's build wrote them, as the build step writes them today",
    () => {
      const modules = precompiledValidatorModules();
      expect([...modules.keys()]).toEqual([
        ...precompiledAsyncApiVersions.flatMap((version) => [metaSchemaValidatorName(version, true), metaSchemaValidatorName(version, false)]),
        "x-evc",
        "x-evc-jetstream",
        "evc-config",
      ]);
      expect(precompiledAsyncApiVersions).toEqual(expect.arrayContaining(["3.0.0", "3.1.0"]));
      for (const [name, code] of modules) {
        const file = join(built, `${name}.cjs`);
        expect(existsSync(file), `${file} is missing: npm run build --workspace=generator`).toBe(true);
        expect(readFileSync(file, "utf8") === code, `${file} is out of date: npm run build --workspace=generator`).toBe(true);
      }
    },
    120_000,
  );

  test("they validate: a valid document passes, one without a title does not", () => {
    const validate = metaSchemaValidator("3.0.0", true);
    expect(validate?.(parse(lightsSpec))).toBe(true);
    expect(validate?.(parse(lightsSpec.replace("  title: Lights\n", "")))).toBe(false);
    expect(validate?.errors?.map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }))).toEqual([
      { instancePath: "/info", keyword: "required", params: { missingProperty: "title" } },
    ]);
  });

  test.each([
    ["x-evc", [{ version: 2, compatibility: "FULL", upcast: [{ rename: { from: "/a", to: "/b" } }] }], [{ version: 0 }, { upcast: "later" }, { version: 1, extra: true }]],
    ["x-evc-jetstream", [{ streams: { ORDERS: { subjects: ["orders.>"], maxAge: "7d" } } }], [{ streams: {} }, { streams: { ORDERS: { subjects: ["orders.>"], maxAge: "a week" } } }]],
    ["evc-config", [{ version: 1, specs: "asyncapi", compatibility: { mode: "FULL" } }], [{ version: 1, specs: 1 }, { version: 1, compatibility: { mode: "SOMETIMES" } }, { version: 1, unknown: true }, {}]],
  ])("evc's own schema %s: the precompiled validator gives what ajv compiling the schema at run time gives", (name, valid, invalid) => {
    const own = ownSchemas.find((schema) => schema.name === name);
    if (own === undefined) throw new Error(`no own schema ${name}`);
    const compiled = new Ajv(own.options).compile(own.schema());
    const precompiled = precompiledValidator(name);
    const errorsOf = (errors: typeof compiled.errors) => errors?.map(({ instancePath, schemaPath, keyword, params, message, parentSchema }) => ({ instancePath, schemaPath, keyword, params, message, parentSchema }));
    for (const value of [...valid, ...invalid]) {
      expect(precompiled(value), JSON.stringify(value)).toBe(compiled(value));
      expect(errorsOf(precompiled.errors)).toEqual(errorsOf(compiled.errors));
    }
    expect(valid.every((value) => precompiled(value))).toBe(true);
    expect(invalid.some((value) => precompiled(value))).toBe(false);
  });

  test("a version the build does not precompile has none, and is left to the parser's own rule function", () => {
    expect(metaSchemaValidator("2.6.0", true)).toBeUndefined();
    expect(metaSchemaValidator("3.0.0", false)).toBeTypeOf("function");
  });

  test("a tool package built without them fails at once, naming the validator and the build to run", async () => {
    // The compiled module in a copy of the tool package whose dist lacks the folder the build writes.
    const tool = mkdtempSync(join(tmpdir(), "evc-unbuilt-"));
    try {
      cpSync(resolve(import.meta.dirname, "../../generator/package.json"), join(tool, "package.json"));
      for (const file of ["meta-schema-validators.js", "meta-schema-validators.js.map", "precompiled-validators.js", "precompiled-validators.js.map"]) cpSync(resolve(import.meta.dirname, "../../generator/dist", file), join(tool, "dist", file));
      symlinkSync(resolve(import.meta.dirname, "../../node_modules"), join(tool, "node_modules"), "dir");
      const unbuilt = (await import(pathToFileURL(join(tool, "dist/meta-schema-validators.js")).href)) as typeof import("../../generator/meta-schema-validators.js");
      const missing = /^the precompiled validator asyncapi-3\.0\.0-resolved is missing from the tool package: build it \(npm run build --workspace=generator\)$/;
      expect(() => unbuilt.assertMetaSchemaValidatorsBuilt()).toThrow(missing);
      expect(() => unbuilt.metaSchemaValidator("3.0.0", true)).toThrow(missing);
      expect(unbuilt.metaSchemaValidator("2.6.0", true)).toBeUndefined();
      const precompiled = (await import(pathToFileURL(join(tool, "dist/precompiled-validators.js")).href)) as typeof import("../../generator/precompiled-validators.js");
      expect(() => precompiled.precompiledValidator("x-evc")).toThrow(/^the precompiled validator x-evc is missing from the tool package: build it/);
    } finally {
      rmSync(tool, { recursive: true, force: true });
    }
  });
});
