/**
 * The text of an event class: typed read-only fields (the JSON's own properties, set once by the
 * constructor after validation), the mark of generated events, the static contract, JSON in (`fromJSON`, `safeFromJSON`) and out
 * (`toJSON`). Runtime helpers come from `runtime/codegen.ts`, imported as `$evc`.
 */
import { inheritedMembers, type JsonValue } from "@evc/runtime/codegen";
import type { EventModel } from "../model.js";
import { commentQuote, docComment, propertyKey } from "../naming.js";
import { takesExtraKeys } from "../schema-facts.js";
import { jsonLiteral } from "./literal.js";

/**
 * The members an event instance takes from its class, which a property its schema declares cannot
 * be a field of: such a key stays in the JSON (`toJSON()`) and off the instance (`defineFields`).
 */
export const classMembers: readonly string[] = ["constructor", "toJSON"];

/** A top-level property of an event, as the class declares it. */
export interface RootProperty {
  readonly name: string;
  /** False for names a class cannot declare (`constructor`, `toJSON`); they stay in the JSON, untyped, off the instance, where they would hide the class's member. */
  readonly declarable: boolean;
  readonly optional: boolean;
  readonly type: string;
  /** The value the schema pins with `const` on a required property, filled in by the constructor. */
  readonly pinned: JsonValue | undefined;
  readonly doc: string | undefined;
}

/** The name of the JSON type alias of an event class. */
export function jsonTypeName(event: EventModel): string {
  return `${event.className}Json`;
}

/** The name of the contract constant of an event class. */
export function contractName(event: EventModel): string {
  return `${event.className}Contract`;
}

/**
 * Render the class of an event. With `valueType`, the payload is not an object and the class wraps
 * it in a `value` field; otherwise `properties` are its fields.
 */
export function renderEventClass(event: EventModel, properties: readonly RootProperty[], valueType?: string): string {
  const name = event.className;
  const contract = contractName(event);
  const json = jsonTypeName(event);
  const keptOff = keptOffArgument(event, properties);
  const header = docComment(
    [event.title, event.summary, event.description],
    "",
    [`@generated from message ${JSON.stringify(event.messageId)} (${JSON.stringify(event.type)} v${event.version}) in ${JSON.stringify(event.specFile)}`],
  );
  const members = [
    `  /** The contract of ${commentQuote(event.type)} v${event.version}: its schema, validator, subject and upcast. */\n  static readonly contract: $evc.EventContract<${name}> = ${contract};`,
    "  /** Marks a generated event for the typed API (`publish`, the event store); never set at run time. */\n  declare readonly [$evc.eventMark]: true;",
    valueType === undefined ? fields(properties) : `  /** The payload. */\n  declare readonly value: ${valueType};`,
    valueType === undefined ? objectConstructor(name, contract, properties, keptOff) : wrapperConstructor(contract, valueType),
    `  /** ${valueType === undefined ? "Validate JSON (a parsed value or its text)" : "Validate JSON (a parsed value, or its text: a string is read as JSON text, so a string payload comes here quoted or goes to the constructor as it is)"} and build the event; throws \`ValidationError\`. */\n  static fromJSON(json: unknown): ${name} {\n    return ${
      valueType === undefined
        ? `new ${name}($evc.trust($evc.parseEvent(${contract}, $evc.readJson(${contract}, json))))`
        : `new ${name}($evc.readJson(${contract}, json) as ${valueType})`
    };\n  }`,
    `  /** Like \`fromJSON\`, but returns the \`ValidationError\` instead of throwing it. */\n  static safeFromJSON(json: unknown): $evc.SafeResult<${name}> {\n    return $evc.safely(() => ${name}.fromJSON(json));\n  }`,
    `  /** The event as plain JSON, fields the schema does not name included. */\n  toJSON(): ${json} {\n    return ${valueType !== undefined ? "this.value" : keptOff === "" ? `{ ...this } as ${json}` : `$evc.jsonOf<${json}>(this)`};\n  }`,
  ];
  return `${header}class ${name} {\n${members.filter((member) => member !== "").join("\n\n")}\n}`;
}

function fields(properties: readonly RootProperty[]): string {
  return properties
    .map((property) =>
      property.declarable
        ? `${docComment([property.doc], "  ")}  declare readonly ${propertyKey(property.name)}${property.optional ? "?" : ""}: ${property.type};`
        : `  // ${commentQuote(property.name)} is kept in the JSON (\`toJSON()\`), not as a field: it would hide the class's member.`,
    )
    .join("\n");
}

/**
 * The keys of an event's JSON its instance keeps off (`defineFields`), where they would hide what it
 * inherits, as the argument written after the JSON (empty when there are none): for a payload open to
 * extra keys, every inherited name its schema does not declare as a field (`$evc.inheritedMembers`
 * itself when it declares none); else the declared ones a class cannot declare (`constructor`, `toJSON`).
 */
function keptOffArgument(event: EventModel, properties: readonly RootProperty[]): string {
  const listed = (names: readonly string[]) => (names.length === 0 ? "" : `, ${JSON.stringify(names)}`);
  if (!takesExtraKeys(event.schema)) return listed(properties.filter((property) => !property.declarable).map((property) => property.name));
  const fields = new Set(properties.filter((property) => property.declarable).map((property) => property.name));
  return inheritedMembers.some((member) => fields.has(member)) ? listed(inheritedMembers.filter((member) => !fields.has(member))) : ", $evc.inheritedMembers";
}

function objectConstructor(name: string, contract: string, properties: readonly RootProperty[], keptOff: string): string {
  const pinned = properties.filter((property) => property.pinned !== undefined && property.declarable);
  const pins = Object.fromEntries(pinned.map((property) => [property.name, property.pinned]));
  const omitted = pinned.length === 0 ? "" : `, ${pinned.map((property) => JSON.stringify(property.name)).join(" | ")}`;
  const input = pinned.length === 0 ? "input" : `$evc.pin(input, ${jsonLiteral(pins, "    ")})`;
  return `  /** Build the event from its fields and validate it; throws \`ValidationError\` naming every JSON path that breaks the contract. */\n  constructor(input: $evc.EventInit<${name}${omitted}>) {\n    $evc.defineFields(this, $evc.parseEvent(${contract}, ${input})${keptOff});\n  }`;
}

function wrapperConstructor(contract: string, valueType: string): string {
  return `  /** Wrap a payload and validate it; throws \`ValidationError\` naming every JSON path that breaks the contract. */\n  constructor(value: ${valueType}) {\n    $evc.defineFields(this, { value: $evc.parseEvent(${contract}, value) });\n  }`;
}
