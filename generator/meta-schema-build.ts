/**
 * The build step that precompiles the AsyncAPI meta-schemas: for every version of
 * {@link precompiledAsyncApiVersions}, the schema the parser's `documentStructure` validates a document
 * against (its `getSchema`, for resolved documents and for unresolved ones), compiled into ajv
 * standalone code with the options spectral's `schema` function compiles it with, so that the
 * precompiled validator reports the very errors the parser's own rules would. `npm run build`
 * writes the modules (`scripts/build-meta-schema.ts`); `meta-schema-validators.ts` loads them.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getSchema } from "@asyncapi/parser/cjs/ruleset/functions/documentStructure.js";
import { AsyncAPIFormats } from "@asyncapi/parser/cjs/ruleset/formats.js";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import { tidyStandaloneCode } from "./standalone-code.js";
import { metaSchemaValidatorName, precompiledAsyncApiVersions } from "./meta-schema-validators.js";

/**
 * The options of spectral's ajv instance for `allErrors` (`@stoplight/spectral-functions`
 * `dist/schema/ajv.js`), with standalone code one declaration a line. Spectral adds ajv-errors too,
 * which changes nothing for a schema without `errorMessage` (checked below).
 */
const spectralAjvOptions = {
  allErrors: true,
  meta: true,
  messages: true,
  strict: false,
  allowUnionTypes: true,
  unicodeRegExp: false,
  logger: false,
  code: { source: true, lines: true },
} as const;

/** The precompiled validators' CommonJS modules, by module name (see {@link metaSchemaValidatorName}). */
export function metaSchemaValidatorModules(): Map<string, string> {
  const modules = new Map<string, string>();
  for (const version of precompiledAsyncApiVersions) {
    for (const resolved of [true, false]) {
      modules.set(metaSchemaValidatorName(version, resolved), validatorModule(version, resolved));
    }
  }
  return modules;
}

/** Write the precompiled validators' modules into a directory, as `<name>.cjs`. */
export function writeMetaSchemaValidators(directory: string): void {
  mkdirSync(directory, { recursive: true });
  for (const [name, code] of metaSchemaValidatorModules()) writeFileSync(join(directory, `${name}.cjs`), code);
}

function validatorModule(version: string, resolved: boolean): string {
  const format = AsyncAPIFormats.get(version);
  const schema = format === undefined ? undefined : getSchema(new Set([format]), resolved);
  if (schema === undefined) throw new Error(`@asyncapi/parser has no meta-schema for AsyncAPI ${version}: remove it from precompiledAsyncApiVersions`);
  if (JSON.stringify(schema).includes('"errorMessage"')) {
    throw new Error(`the AsyncAPI ${version} meta-schema uses errorMessage, which spectral's ajv-errors would render: precompile it with ajv-errors too`);
  }
  const ajv = new Ajv(spectralAjvOptions);
  addFormats.default(ajv);
  const code = tidyStandaloneCode(standaloneCode.default(ajv, ajv.compile(schema)));
  return `// The AsyncAPI ${version} meta-schema for ${resolved ? "resolved" : "unresolved"} documents, precompiled by the build (meta-schema-build.ts).\n${code}\n`;
}
