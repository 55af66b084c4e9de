import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
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
});
