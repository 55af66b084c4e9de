/**
 * The safety net under Modelina's naming: the SDK declares and imports every model by the name evc
 * gave its schema (the `title` of the named schema), and Modelina is told to keep those names. Should
 * it rename one all the same, the SDK would name a model it does not declare (or declare one model
 * twice), so rendering stops there instead.
 */
import { ContractError } from "@evc/runtime/errors";
import { isPlainObject } from "@evc/runtime/codegen";
import { formatLocation } from "../diagnostics.js";
import type { EventModel } from "../model.js";
import { isTypeName } from "../naming.js";
import type { OutputModel } from "./modelina.js";

/** Thrown when Modelina names a model of an event otherwise than evc did; names the event and where its message is written. */
export class ModelNameError extends ContractError {
  constructor(event: EventModel, given: string, rendered: string) {
    super(
      `cannot render the models of "${event.type}" v${event.version} (${formatLocation(event.location)}): Modelina renamed the model "${given}" to "${rendered}", which the SDK does not declare; rename the schema, and report this to evc`,
    );
    this.name = "ModelNameError";
  }
}

/**
 * Throw `ModelNameError` when a model Modelina rendered for the event has a name evc gave none of its
 * schemas, where its schema has one evc gave. (A model may take another schema's name: Modelina models
 * an alternative of a `oneOf` whose `allOf` holds the `oneOf`'s schema from that schema.)
 */
export function checkModelNames(event: EventModel, outputs: readonly OutputModel[]): void {
  const given = titlesIn(event.namedSchema);
  for (const output of outputs) {
    const input = output.model.originalInput as unknown;
    const title = isPlainObject(input) ? input["title"] : undefined;
    if (typeof title === "string" && isTypeName(title) && !given.has(output.model.name)) throw new ModelNameError(event, title, output.model.name);
  }
}

/** Every title written in a schema, its subschemas' included. */
function titlesIn(schema: unknown, titles = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((item) => titlesIn(item, titles));
  if (!isPlainObject(schema)) return titles;
  for (const [key, value] of Object.entries(schema)) {
    if (key === "title" && typeof value === "string") titles.add(value);
    else titlesIn(value, titles);
  }
  return titles;
}
