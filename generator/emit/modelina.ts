/**
 * The part of Modelina evc uses: its TypeScript generator over JSON Schema input, and the constrained
 * models the presets tell apart. The build bundles this module (`scripts/bundle-modelina.ts`) over its
 * compiled form in `dist/`, leaving out the packages that only Modelina's other input processors
 * (AsyncAPI through the multi-format parser, OpenAPI, Swagger, TypeScript, XSD) load, so the `evc`
 * process never loads them and the tool package does not install Modelina; tests under the
 * `@evc/source` condition run Modelina itself.
 */
export {
  ConstrainedDictionaryModel,
  ConstrainedObjectModel,
  TypeScriptDefaultEnumKeyConstraints,
  TypeScriptDefaultModelNameConstraints,
  TypeScriptDefaultPropertyKeyConstraints,
  TypeScriptGenerator,
  typeScriptDefaultEnumKeyConstraints,
  typeScriptDefaultModelNameConstraints,
  typeScriptDefaultPropertyKeyConstraints,
} from "@asyncapi/modelina";
export type { ConstrainedMetaModel, ConstrainedObjectPropertyModel, OutputModel, TypeScriptOptions, TypeScriptPreset } from "@asyncapi/modelina";
