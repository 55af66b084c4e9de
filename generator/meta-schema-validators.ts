/**
 * The AsyncAPI meta-schema validators that the tool package's build precompiles
 * (`precompiled-build.ts`), so that checking a document's structure compiles no meta-schema at
 * run time: one for resolved documents and one for unresolved ones, per version.
 */
import type { ValidateFunction } from "ajv";
import { precompiledValidator, precompiledValidatorFile } from "./precompiled-validators.js";

/** The AsyncAPI versions whose meta-schema the build precompiles; others are checked by the parser's own rule function. */
export const precompiledAsyncApiVersions: readonly string[] = ["3.0.0", "3.1.0"];

/** The name of a precompiled validator: a version's meta-schema for resolved documents or for unresolved ones. */
export function metaSchemaValidatorName(version: string, resolved: boolean): string {
  return `asyncapi-${version}-${resolved ? "resolved" : "unresolved"}`;
}

/** Throws `PrecompiledValidatorMissingError` unless the build wrote every meta-schema validator it should have (files looked up, none loaded). */
export function assertMetaSchemaValidatorsBuilt(): void {
  for (const version of precompiledAsyncApiVersions) {
    for (const resolved of [true, false]) precompiledValidatorFile(metaSchemaValidatorName(version, resolved));
  }
}

/**
 * The precompiled validator of a version's meta-schema, resolved or not, loaded on first use; undefined for a
 * version the build does not precompile. Throws `PrecompiledValidatorMissingError` when the build left it out.
 */
export function metaSchemaValidator(version: string, resolved: boolean): ValidateFunction | undefined {
  if (!precompiledAsyncApiVersions.includes(version)) return undefined;
  return precompiledValidator(metaSchemaValidatorName(version, resolved));
}
