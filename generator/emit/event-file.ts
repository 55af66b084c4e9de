/** The module of one event version: its contract, its class, the JSON type, and the nested models only it uses. */
import type { EventModel, UpcastModel } from "../model.js";
import { className, commentQuote } from "../naming.js";
import { contractName, jsonTypeName } from "./event-class.js";
import type { SharedSchemas } from "../shared-schemas.js";
import { eventFile, importOfAbsolute, runtimeImport, schemasFile, upcasterFile, validatorsFile, importBetween, type Layout } from "./layout.js";
import { jsonLiteral } from "./literal.js";
import type { EventModels, RenderedModel } from "./render-cache.js";
import { preamble } from "./preamble.js";
import type { NamedImport, SourceFileSpec } from "./source-file.js";
import { validatorName } from "./validators.js";

/** The name of the hand-written function that brings an event from the version before to this one. */
export function upcasterName(event: EventModel): string {
  return `upcast${className(event.type, event.version - 1)}ToV${event.version}`;
}

/** The name of the hand-written function that brings an event of this version to the version before's shape. */
export function downcasterName(event: EventModel): string {
  return `downcast${event.className}ToV${event.version - 1}`;
}

/** The file spec of an event module; `imports` are the other models it uses, each with the file that holds it. */
export function eventModule(
  rendered: EventModels,
  models: readonly RenderedModel[],
  imports: readonly NamedImport[],
  shared: SharedSchemas,
  layout: Layout,
): SourceFileSpec {
  const { event, valueType } = rendered;
  const file = eventFile(event);
  let usesShared = false;
  const schema = jsonLiteral(event.schema, "  ", (node) => {
    const found = shared.sharedAs(node);
    usesShared ||= found !== undefined;
    return found === undefined ? undefined : `$schemas.${found.name}`;
  });
  const handWritten = [...(event.upcast.kind === "function" ? [upcasterName(event)] : []), ...(event.downcast.kind === "function" ? [downcasterName(event)] : [])];
  const upcaster = handWritten.length > 0 ? [{ from: importOfAbsolute(layout, file, upcasterFile(layout, event)), names: handWritten, typeOnly: false }] : [];
  return {
    header: preamble(`${event.specFile} (message ${JSON.stringify(event.messageId)}, type ${JSON.stringify(event.type)}, version ${event.version})`),
    namespaces: { $evc: runtimeImport(layout, file), ...(usesShared ? { $schemas: importBetween(file, schemasFile) } : {}) },
    named: [...imports, ...upcaster, { from: importBetween(file, validatorsFile), names: [validatorName(event)], typeOnly: false }],
    statements: [jsonType(event, valueType), contract(event, valueType, schema), ...models.map((model) => model.code)],
  };
}

function jsonType(event: EventModel, valueType: string | undefined): string {
  const target = valueType ?? `$evc.EventFields<${event.className}>`;
  return `/** The JSON of ${commentQuote(event.type)} v${event.version}, as \`toJSON()\` returns it. */\ntype ${jsonTypeName(event)} = ${target};`;
}

/** The rolling-upgrade fields of a version after the first: the generator's verdict and the declared downcast. */
function downcastFields(event: EventModel): string[] {
  return [`readableByPrevious: ${event.readableByPrevious}`, `downcast: ${conversion(event.downcast, "Downcaster", downcasterName(event))}`];
}

/** The code of an upcast or downcast: `undefined`, the hand-written function, or the steps. */
function conversion(model: UpcastModel, factory: "Upcaster" | "Downcaster", functionName: string): string {
  if (model.kind === "none") return "undefined";
  return model.kind === "function" ? `$evc.function${factory}(${functionName})` : `$evc.steps${factory}(${jsonLiteral(model.steps, "  ")})`;
}

function contract(event: EventModel, valueType: string | undefined, schema: string): string {
  const upcast = conversion(event.upcast, "Upcaster", upcasterName(event));
  const create =
    valueType !== undefined
    ? `(json) => new ${event.className}(json as unknown as ${jsonTypeName(event)})`
    : `(json) => new ${event.className}($evc.trust(json))`;
  const fields = [
    `type: ${JSON.stringify(event.type)}`,
    `version: ${event.version}`,
    `className: ${JSON.stringify(event.className)}`,
    `system: ${JSON.stringify(event.system)}`,
    `specFile: ${JSON.stringify(event.specFile)}`,
    `schema: ${schema}`,
    `validate: ${validatorName(event)}`,
    `subject: ${event.subject === undefined ? "undefined" : jsonLiteral(event.subject, "  ")}`,
    `stream: ${event.stream === undefined ? "undefined" : JSON.stringify(event.stream)}`,
    `envelope: ${event.envelope}`,
    `aggregateType: ${event.aggregateType === undefined ? "undefined" : JSON.stringify(event.aggregateType)}`,
    `compatibility: ${JSON.stringify(event.compatibility)}`,
    `upcast: ${upcast}`,
    ...(event.version > 1 ? downcastFields(event) : []),
    `create: ${create}`,
  ];
  return `/** The contract of ${commentQuote(event.type)} v${event.version}: schema, validator, subject, stream and upcast. */\nconst ${contractName(event)}: $evc.EventContract<${event.className}> = $evc.defineContract({\n${fields.map((field) => `  ${field},`).join("\n")}\n});`;
}
