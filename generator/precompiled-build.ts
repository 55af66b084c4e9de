/**
 * The build step that precompiles every schema the tool ships into ajv standalone code, so that no
 * schema is compiled at run time (`precompiled-validators.ts` loads them):
 *
 * - the AsyncAPI meta-schemas: for every version of {@link precompiledAsyncApiVersions}, the schema the
 *   parser's `documentStructure` validates a document against (its `getSchema`, for resolved documents and
 *   for unresolved ones), compiled with the options spectral's `schema` function compiles it with, so that
 *   the precompiled validator reports the very errors the parser's own rules would;
 * - the schemas of evc's own inputs (`own-schemas.ts`), with their own options.
 *
 * `npm run build` writes the modules (`scripts/build-validators.ts`).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { getSchema } from "@asyncapi/parser/cjs/ruleset/functions/documentStructure.js";
import { AsyncAPIFormats } from "@asyncapi/parser/cjs/ruleset/formats.js";
import { Ajv, type Options } from "ajv";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import { tidyStandaloneCode } from "./standalone-code.js";
import { metaSchemaValidatorName, precompiledAsyncApiVersions } from "./meta-schema-validators.js";
import { ownSchemas } from "./own-schemas.js";

/**
 * The options of spectral's ajv instance for `allErrors` (`@stoplight/spectral-functions`
 * `dist/schema/ajv.js`). Spectral adds ajv-errors too, which changes nothing for a schema without
 * `errorMessage` (checked below).
 */
const spectralAjvOptions: Options = {
  allErrors: true,
  meta: true,
  messages: true,
  strict: false,
  allowUnionTypes: true,
  unicodeRegExp: false,
  logger: false,
};

/** The precompiled validators' CommonJS modules, by validator name: the meta-schemas', then evc's own. */
export function precompiledValidatorModules(): Map<string, string> {
  const modules = new Map<string, string>();
  for (const version of precompiledAsyncApiVersions) {
    for (const resolved of [true, false]) {
      const what = `The AsyncAPI ${version} meta-schema for ${resolved ? "resolved" : "unresolved"} documents`;
      modules.set(metaSchemaValidatorName(version, resolved), validatorModule(what, metaSchema(version, resolved), spectralAjvOptions, true));
    }
  }
  for (const { name, schema, options } of ownSchemas) modules.set(name, validatorModule(`The schema of ${name}`, schema(), options, false));
  return modules;
}

/** Write the precompiled validators' modules into a directory, as `<name>.cjs`. */
export function writePrecompiledValidators(directory: string): void {
  mkdirSync(directory, { recursive: true });
  for (const [name, code] of precompiledValidatorModules()) writeFileSync(join(directory, `${name}.cjs`), code);
}

function metaSchema(version: string, resolved: boolean): object {
  const format = AsyncAPIFormats.get(version);
  const schema = format === undefined ? undefined : (getSchema(new Set([format]), resolved) as object | undefined);
  if (schema === undefined) throw new Error(`@asyncapi/parser has no meta-schema for AsyncAPI ${version}: remove it from precompiledAsyncApiVersions`);
  if (JSON.stringify(schema).includes('"errorMessage"')) {
    throw new Error(`the AsyncAPI ${version} meta-schema uses errorMessage, which spectral's ajv-errors would render: precompile it with ajv-errors too`);
  }
  return schema;
}

/** One schema compiled with these options into a standalone module, one declaration a line; `formats` adds ajv-formats' formats. */
function validatorModule(what: string, schema: object, options: Options, formats: boolean): string {
  const ajv = new Ajv({ ...options, code: { source: true, lines: true } });
  if (formats) addFormats.default(ajv);
  const code = tidyStandaloneCode(standaloneCode.default(ajv, ajv.compile(schema)));
  return `// ${what}, precompiled by the build (precompiled-build.ts).\n${code}\n`;
}
