/**
 * The part of Modelina evc uses: its TypeScript generator over JSON Schema input, its naming
 * constraints, and the constrained models the presets tell apart. The build bundles this module (`scripts/bundle-modelina.ts`) over its
 * compiled form in `dist/`, leaving out the packages that only Modelina's other input processors
 * (AsyncAPI through the multi-format parser, OpenAPI, Swagger, TypeScript, XSD) load, so the `evc`
 * process never loads them and the tool package does not install Modelina; tests under the
 * `@evc/source` condition run Modelina itself.
 */
import {
  TypeScriptDefaultEnumKeyConstraints,
  TypeScriptDefaultModelNameConstraints,
  typeScriptDefaultEnumKeyConstraints,
  typeScriptDefaultModelNameConstraints,
  type ObjectPropertyModel,
  type TypeScriptOptions,
} from "@asyncapi/modelina";
import { isTypeName } from "../naming.js";

export { ConstrainedDictionaryModel, ConstrainedObjectModel, ConstrainedReferenceModel, ConstrainedUnionModel, TypeScriptGenerator } from "@asyncapi/modelina";
export type { ConstrainedMetaModel, ConstrainedObjectPropertyModel, OutputModel, TypeScriptPreset } from "@asyncapi/modelina";

/**
 * Modelina's default naming constraints for model names and enum keys, with its reserved-word rule
 * answered once per word (a generator's options do not change): the rule copies and lowercases its
 * whole keyword list on every call, and the same names come back in every event (the envelope's),
 * which made it a tenth of the rendering time. A model name evc gave (`isTypeName`: every title of
 * the named schema, the event's class first) is kept as it is: the SDK declares and imports models by
 * those names, which Modelina's rule would change (`HTTPServerV1` to `HttpServerV1`, `Delete`, a
 * keyword once lowercased, to `ReservedDelete`). Property keys stay as the schema writes them: the
 * presets print every property under its own name (quoted where it is no identifier), and Modelina
 * keeps an object's properties by key, so a case convention would merge two properties it writes
 * alike (`foo_bar` and `fooBar`: the last one won, the other was dropped). One set per generator.
 */
export function namingConstraints() {
  return {
    modelName: keepingTypeNames(typeScriptDefaultModelNameConstraints({ NO_RESERVED_KEYWORDS: remembered(TypeScriptDefaultModelNameConstraints.NO_RESERVED_KEYWORDS) })),
    propertyKey: ({ objectPropertyModel }: { readonly objectPropertyModel: ObjectPropertyModel }) => objectPropertyModel.propertyName,
    enumKey: typeScriptDefaultEnumKeyConstraints({ NO_RESERVED_KEYWORDS: remembered(TypeScriptDefaultEnumKeyConstraints.NO_RESERVED_KEYWORDS) }),
  };
}

function keepingTypeNames<Context extends { readonly modelName: string }>(rule: (context: Context) => string): (context: Context) => string {
  return (context) => (isTypeName(context.modelName) ? context.modelName : rule(context));
}

function remembered(rule: (value: string, options: TypeScriptOptions) => string): (value: string, options: TypeScriptOptions) => string {
  const answers = new Map<string, string>();
  return (value, options) => {
    let answer = answers.get(value);
    if (answer === undefined) {
      answer = rule(value, options);
      answers.set(value, answer);
    }
    return answer;
  };
}
