/**
 * Runs Modelina over each event's named payload schema and renders, through presets (Modelina's
 * extension point): the event class for the root object, readonly interfaces for nested objects,
 * unions for enums. Every string that reaches code is escaped here: enum values and constants are
 * JSON literals, property keys are quoted when they are not identifiers, descriptions are escaped
 * for doc comments.
 */
import {
  ConstrainedDictionaryModel,
  ConstrainedObjectModel,
  ConstrainedReferenceModel,
  ConstrainedUnionModel,
  namingConstraints,
  TypeScriptGenerator,
  type ConstrainedMetaModel,
  type ConstrainedObjectPropertyModel,
  type OutputModel,
  type TypeScriptPreset,
} from "./modelina.js";
import { isPlainObject, type JsonValue } from "@evc/runtime/codegen";
import type { EventModel } from "../model.js";
import { docComment, propertyKey } from "../naming.js";
import { pinnedValue, propertySchemas } from "../schema-facts.js";
import { propertyName } from "../schema-graph.js";
import { checkModelNames } from "./model-names.js";
import { classMembers, renderEventClass, type RootProperty } from "./event-class.js";
import type { EventModels, ModelRenderCache, RenderedModel } from "./render-cache.js";

/** Property names a class cannot declare, its members: they stay in the JSON but get no typed field. */
const undeclarableFields = new Set(classMembers);

/** Render the models of every event with Modelina; with a cache, only those of events that changed since its last run. */
export async function renderModels(events: readonly EventModel[], cache?: ModelRenderCache): Promise<EventModels[]> {
  const roots = new Map(events.map((event) => [event.className, event]));
  const classes = [...roots.keys()].join("\n");
  let generator: TypeScriptGenerator | undefined;
  const rendered: EventModels[] = [];
  const kept = new Map<string, EventModels>();
  for (const event of events) {
    // Keyed before Modelina runs: it may change the schema it is given.
    const key = cache === undefined ? undefined : `${classes}\u0000${JSON.stringify(event)}`;
    const hit = key === undefined ? undefined : cache?.get(key);
    const models = hit === undefined ? collect(event, await (generator ??= createGenerator(roots)).generate(event.namedSchema)) : { ...hit, event };
    rendered.push(models);
    if (key !== undefined && !models.models.some((model) => model.name !== event.className && roots.has(model.name))) kept.set(key, models);
  }
  cache?.replace(kept);
  return rendered;
}

function collect(event: EventModel, outputs: readonly OutputModel[]): EventModels {
  checkModelNames(event, outputs);
  const models = outputs
    .filter((output) => output.modelName !== "")
    .map((output): RenderedModel => {
      const model = output.model;
      const kind = model instanceof ConstrainedObjectModel ? (isEventClass(event, model) ? "class" : "interface") : "type";
      const uses = (model instanceof ConstrainedObjectModel ? printedDependencies(event, model) : dependencyNames(model)).filter((name) => name !== model.name);
      return { name: model.name, kind, code: output.result, uses: [...new Set(uses)].sort() };
    });
  if (models.some((model) => model.kind === "class")) return { event, models: reachableFrom(event.className, models), valueType: undefined };
  return wrapped(event, models);
}

/**
 * An event whose payload is not always an object (a string, a union, an object or null) gets a class
 * that wraps the value; the type Modelina rendered for the payload is renamed `<Class>Value` (with
 * `| null` where the payload may be null, which Modelina leaves out of an object's model).
 */
function wrapped(event: EventModel, models: readonly RenderedModel[]): EventModels {
  const rootName = event.className;
  const root = models.find((model) => model.name === rootName);
  const valueName = `${event.className}Value`;
  // Modelina leaves null out of an object's model (a nullable string's type keeps it).
  const valueType = root === undefined ? "unknown" : root.kind === "interface" && nullablePayload(event) ? `${valueName} | null` : valueName;
  const others = models.filter((model) => model !== root);
  const value: RenderedModel[] = root === undefined ? [] : [{ ...root, name: valueName, code: renameDeclaration(root.code, rootName, valueName) }];
  const wrapper: RenderedModel = { name: event.className, kind: "class", code: renderEventClass(event, [], valueType), uses: root === undefined ? [] : [valueName] };
  return { event, models: reachableFrom(event.className, [wrapper, ...value, ...others]), valueType };
}

/**
 * The models the event's class reaches through the types it prints, in their order: Modelina also
 * models schemas whose fields are printed as literals (a `const` object), which nothing would use.
 */
function reachableFrom(className: string, models: readonly RenderedModel[]): RenderedModel[] {
  const byName = new Map(models.map((model) => [model.name, model]));
  const reached = new Set<string>();
  const visit = (name: string): void => {
    const model = byName.get(name);
    if (model === undefined || reached.has(name)) return;
    reached.add(name);
    model.uses.forEach(visit);
  };
  visit(className);
  return models.filter((model) => reached.has(model.name));
}

/** A model's code with its declared name changed: the `type` or `interface` right after its doc comment (which never holds its own end: descriptions are escaped). */
function renameDeclaration(code: string, from: string, to: string): string {
  const start = code.startsWith("/**") ? code.indexOf("*/") + 2 : 0;
  const declaration = new RegExp(`^(\\s*(?:type|interface) )${from.replace(/[$]/g, "\\$&")}(?![\\w$])`);
  return code.slice(0, start) + code.slice(start).replace(declaration, (_, head: string) => `${head}${to}`);
}

/** Whether an object model is the event's class: the root model, when the payload is always an object. */
function isEventClass(event: EventModel, model: ConstrainedMetaModel): boolean {
  return model.name === event.className && !nullablePayload(event);
}

/** Whether the payload schema lets `null` through (`type: ["object", "null"]`): Modelina models the object alone, so such an event wraps its value. */
function nullablePayload(event: EventModel): boolean {
  const type = isPlainObject(event.schema) ? event.schema["type"] : undefined;
  return Array.isArray(type) && type.includes("null");
}

function createGenerator(roots: ReadonlyMap<string, EventModel>): TypeScriptGenerator {
  const preset: TypeScriptPreset = {
    class: {
      self({ model, renderer }) {
        const event = roots.get(model.name);
        const { known, open } = splitOpen(Object.values(model.properties));
        if (event !== undefined && isEventClass(event, model)) return renderEventClass(event, known.map((property) => rootProperty(event, property)));
        const body = known.map((property) => `${docComment([description(property.property)], "  ")}  ${interfaceField(property)}`);
        const index = indexSignature(known, open);
        return `${docComment([description(model)])}interface ${model.name} {\n${[...body, ...(index === undefined ? [] : [`  ${index}`])].join("\n")}\n}`;
      },
    },
    enum: {
      self({ model, content }) {
        return `${docComment([description(model)])}${content}`;
      },
    },
    type: {
      self({ model, content }) {
        return `${docComment([description(model)])}${content}`;
      },
    },
  };
  return new TypeScriptGenerator({
    modelType: "class",
    enumType: "union",
    mapType: "record",
    presets: [preset],
    typeMapping: {
      // Modelina models a schema that only lets null through (`type: "null"`) as any value.
      Any: ({ constrainedModel }) => (onlyNull(constrainedModel.originalInput) ? "null" : "unknown"),
      // It types an object that may be null (`type: ["object", "null"]`), and a reference to one (a
      // recursive or shared schema), by its model alone, and writes a nullable item before `[]` bare.
      Object: ({ constrainedModel }) => orNull(constrainedModel, constrainedModel.name),
      Reference: ({ constrainedModel }) => orNull(constrainedModel, constrainedModel.name),
      Array: ({ constrainedModel }) => orNull(constrainedModel, `${bracketedUnion(constrainedModel.valueModel)}[]`),
    },
    constraints: {
      ...namingConstraints(),
      enumValue: ({ enumValue }) => JSON.stringify(enumValue) ?? "null",
      constant: ({ constrainedMetaModel }) => {
        const value = constrainedMetaModel.options.const?.originalInput as unknown;
        return value === undefined ? undefined : literalType(value as JsonValue);
      },
    },
    processorOptions: { interpreter: { ignoreAdditionalProperties: true, ignoreAdditionalItems: true } },
  });
}

/**
 * The models an object's rendered text names, which its file must import: those of the fields printed
 * with Modelina's type, and for an interface those of its open keys' type. A field printed as a literal
 * (pinned, or `const`) names none, even when Modelina made a model of its schema (a one-value enum), and
 * the event class declares neither its open keys nor the fields a class cannot hold.
 */
function printedDependencies(event: EventModel, model: ConstrainedObjectModel): string[] {
  const { known, open } = splitOpen(Object.values(model.properties));
  const printed =
    isEventClass(event, model)
      ? known.filter((property) => {
          const root = rootProperty(event, property);
          return root.declarable && root.type === property.property.type;
        })
      : [...known.filter((property) => fieldType(property) === property.property.type), ...open];
  return printed.flatMap((property) => dependencyNames(property.property));
}

/** The named models a model's type names: itself when it is a reference to one, else Modelina's nearest dependencies. */
function dependencyNames(model: ConstrainedMetaModel): string[] {
  return model instanceof ConstrainedReferenceModel ? [model.name] : model.getNearestDependencies().map((dependency: ConstrainedMetaModel) => dependency.name);
}

function rootProperty(event: EventModel, property: ConstrainedObjectPropertyModel): RootProperty {
  const name = propertyName(property.unconstrainedPropertyName);
  const pinned = pinnedValue(propertySchemas(event.schema), name);
  return {
    name,
    declarable: !undeclarableFields.has(name),
    optional: !property.required,
    type: pinned !== undefined ? literalType(pinned) : fieldType(property),
    pinned: property.required ? pinned : undefined,
    doc: description(property.property),
  };
}

/**
 * Modelina models an open object (`additionalProperties: true` or a schema, `patternProperties`) as a
 * dictionary property to "unwrap" into the object, named `additionalProperties`; on the wire those keys
 * sit beside the known fields, so they are split off here and become an index signature.
 */
function splitOpen(properties: readonly ConstrainedObjectPropertyModel[]) {
  const isOpen = (property: ConstrainedObjectPropertyModel) =>
    property.property instanceof ConstrainedDictionaryModel && property.property.serializationType === "unwrap";
  return { known: properties.filter((property) => !isOpen(property)), open: properties.filter(isOpen) };
}

/**
 * The index signature of an open object: the type of its further keys, widened by the types of its
 * known fields (and `undefined` for an optional one), because TypeScript requires every field to fit
 * the index signature; `unknown` when any of them is unknown.
 */
function indexSignature(known: readonly ConstrainedObjectPropertyModel[], open: readonly ConstrainedObjectPropertyModel[]): string | undefined {
  if (open.length === 0) return undefined;
  const valueTypes = open.map((property) => (property.property as ConstrainedDictionaryModel).value.type);
  const fieldTypes = known.flatMap((property) => (property.required ? [fieldType(property)] : [fieldType(property), "undefined"]));
  const types = [...new Set([...valueTypes, ...fieldTypes])];
  const union = types.length === 1 ? (types[0] as string) : types.map((type) => `(${type})`).join(" | ");
  return `readonly [key: string]: ${types.includes("unknown") || types.includes("any") ? "unknown" : union};`;
}

function interfaceField(property: ConstrainedObjectPropertyModel): string {
  return `readonly ${propertyKey(propertyName(property.unconstrainedPropertyName))}${property.required ? "" : "?"}: ${fieldType(property)};`;
}

/** The TypeScript type of a property: a literal for `const`, else what Modelina mapped. */
function fieldType(property: ConstrainedObjectPropertyModel): string {
  const input = property.property.originalInput as unknown;
  if (isPlainObject(input) && "const" in input) return literalType(input["const"] as JsonValue);
  return property.property.type;
}

/** A model's type with `| null` after it where its schema lets null through (`type` lists "null"), as Modelina does for a string or a list. */
function orNull(model: ConstrainedMetaModel, type: string): string {
  return model.options.isNullable === true ? `${type} | null` : type;
}

/** An item's type as `[]` may follow it: in brackets when it is a union (of models, or with `null`). */
function bracketedUnion(item: ConstrainedMetaModel): string {
  return item instanceof ConstrainedUnionModel || item.type.includes(" | ") ? `(${item.type})` : item.type;
}

/** Whether a schema lets null alone through: `type: "null"` (or `["null"]`), or `const: null`. */
function onlyNull(schema: unknown): boolean {
  if (!isPlainObject(schema)) return false;
  const type = schema["type"];
  return type === "null" || (Array.isArray(type) && type.length === 1 && type[0] === "null") || ("const" in schema && schema["const"] === null);
}

/** A JSON value as a TypeScript literal type; JSON text is valid type syntax for every JSON value. */
function literalType(value: JsonValue): string {
  return JSON.stringify(value) ?? "unknown";
}

function description(model: ConstrainedMetaModel): string | undefined {
  const input = model.originalInput as unknown;
  return isPlainObject(input) && typeof input["description"] === "string" ? input["description"] : undefined;
}
