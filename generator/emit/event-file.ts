/** The module of one event version: its contract, its class, the JSON type, and the nested models only it uses. */
import type { EventModel } from "../model.js";
import { className } from "../naming.js";
import { contractName, jsonTypeName } from "./event-class.js";
import type { SharedSchemas } from "../shared-schemas.js";
import { eventFile, importOfAbsolute, runtimeImport, schemasFile, upcasterFile, validatorsFile, importBetween, type Layout } from "./layout.js";
import { jsonLiteral } from "./literal.js";
import type { EventModels, RenderedModel } from "./models.js";
import { preamble } from "./preamble.js";
import type { NamedImport, SourceFileSpec } from "./source-file.js";
import { validatorName } from "./validators.js";

/** The name of the hand-written function that brings an event from the version before to this one. */
export function upcasterName(event: EventModel): string {
  return `upcast${className(event.type, event.version - 1)}ToV${event.version}`;
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
  const upcaster =
    event.upcast.kind === "function"
      ? [{ from: importOfAbsolute(layout, file, upcasterFile(layout, event)), names: [upcasterName(event)], typeOnly: false }]
      : [];
  return {
    header: preamble(`${event.specFile} (message ${JSON.stringify(event.messageId)}, type ${JSON.stringify(event.type)}, version ${event.version})`),
    namespaces: { $evc: runtimeImport(layout, file), ...(usesShared ? { $schemas: importBetween(file, schemasFile) } : {}) },
    named: [...imports, ...upcaster, { from: importBetween(file, validatorsFile), names: [validatorName(event)], typeOnly: false }],
    statements: [jsonType(event, valueType), contract(event, valueType, schema), ...models.map((model) => model.code)],
  };
}

function jsonType(event: EventModel, valueType: string | undefined): string {
  const target = valueType ?? `$evc.EventFields<${event.className}>`;
  return `/** The JSON of ${JSON.stringify(event.type)} v${event.version}, as \`toJSON()\` returns it. */\ntype ${jsonTypeName(event)} = ${target};`;
}

/** The rolling-upgrade fields of a version after the first: the generator's verdict and the declared downcast. */
function downcastFields(event: EventModel): string[] {
  const steps = event.downcast.steps;
  return [
    `readableByPrevious: ${event.readableByPrevious}`,
    `downcast: ${steps.length === 0 ? "undefined" : `$evc.stepsDowncaster(${jsonLiteral(steps, "  ")})`}`,
  ];
}

function contract(event: EventModel, valueType: string | undefined, schema: string): string {
  const upcast =
    event.upcast.kind === "none"
      ? "undefined"
      : event.upcast.kind === "function"
        ? `$evc.functionUpcaster(${upcasterName(event)})`
        : `$evc.stepsUpcaster(${jsonLiteral(event.upcast.steps, "  ")})`;
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
  return `/** The contract of ${JSON.stringify(event.type)} v${event.version}: schema, validator, subject, stream and upcast. */\nconst ${contractName(event)}: $evc.EventContract<${event.className}> = $evc.defineContract({\n${fields.map((field) => `  ${field},`).join("\n")}\n});`;
}
