import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { metaSchemaValidatorModules } from "../../generator/meta-schema-build.js";
import { metaSchemaValidator, metaSchemaValidatorName, precompiledAsyncApiVersions } from "../../generator/meta-schema-validators.js";
import { lightsSpec } from "../helpers/lights-spec.js";

const built = resolve(import.meta.dirname, "../../generator/dist/asyncapi-meta-schema");

describe("generator - the precompiled AsyncAPI meta-schema validators", () => {
  test(
    "the tool package's build wrote them, as the build step writes them today",
    () => {
      const modules = metaSchemaValidatorModules();
      expect([...modules.keys()]).toEqual(precompiledAsyncApiVersions.flatMap((version) => [metaSchemaValidatorName(version, true), metaSchemaValidatorName(version, false)]));
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

  test("a version the build does not precompile has none, and is left to the parser's own rule function", () => {
    expect(metaSchemaValidator("2.6.0", true)).toBeUndefined();
    expect(metaSchemaValidator("3.0.0", false)).toBeTypeOf("function");
  });

  test("a tool package built without them fails at once, naming the validator and the build to run", async () => {
    // The compiled module in a copy of the tool package whose dist lacks the folder the build writes.
    const tool = mkdtempSync(join(tmpdir(), "evc-unbuilt-"));
    try {
      cpSync(resolve(import.meta.dirname, "../../generator/package.json"), join(tool, "package.json"));
      for (const file of ["meta-schema-validators.js", "meta-schema-validators.js.map"]) cpSync(resolve(import.meta.dirname, "../../generator/dist", file), join(tool, "dist", file));
      symlinkSync(resolve(import.meta.dirname, "../../node_modules"), join(tool, "node_modules"), "dir");
      const unbuilt = (await import(pathToFileURL(join(tool, "dist/meta-schema-validators.js")).href)) as typeof import("../../generator/meta-schema-validators.js");
      const missing = /^the precompiled AsyncAPI meta-schema validator asyncapi-3\.0\.0-resolved is missing from the tool package: build it \(npm run build --workspace=generator\)$/;
      expect(() => unbuilt.assertMetaSchemaValidatorsBuilt()).toThrow(missing);
      expect(() => unbuilt.metaSchemaValidator("3.0.0", true)).toThrow(missing);
      expect(unbuilt.metaSchemaValidator("2.6.0", true)).toBeUndefined();
    } finally {
      rmSync(tool, { recursive: true, force: true });
    }
  });
});
