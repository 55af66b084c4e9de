/** Upcasters (and downcasters) from the declarative steps of a spec, and from hand-written functions. */
import type { Downcaster, JsonObject, JsonValue, UpcastStep, Upcaster } from "./contract.js";
import { own } from "./event-helpers.js";
import { copyOwn, isPlainObject, pointerTokens, setOwn, valueAtPath } from "./json.js";

/**
 * Make an upcaster from the declarative steps of a spec. The input is never changed: the objects on
 * the paths the steps touch are copied, the rest is shared with the input.
 * @private
 */
export function stepsUpcaster(steps: readonly UpcastStep[]): Upcaster {
  const compiled = steps.map(compileStep);
  return (previous) => {
    const copies = new WeakSet<object>();
    const next = copyOwn(previous);
    copies.add(next);
    for (const step of compiled) applyStep(next, step, copies);
    return next;
  };
}

/**
 * Make a downcaster from the declarative steps of a spec (`x-evc.downcast`): the same steps as upcasts, towards the older shape.
 * @private
 */
export function stepsDowncaster(steps: readonly UpcastStep[]): Downcaster {
  return stepsUpcaster(steps);
}

/**
 * Make a downcaster from a hand-written, typed function of `upcasters/`.
 * @private
 */
export function functionDowncaster<From, To>(downcast: (next: From) => To): Downcaster {
  return downcast as unknown as Downcaster;
}

/**
 * Make an upcaster from a hand-written, typed function of `upcasters/`.
 * @private
 */
export function functionUpcaster<From, To>(upcast: (previous: From) => To): Upcaster {
  return upcast as unknown as Upcaster;
}

/** An upcast step with its JSON pointers split into tokens once. */
type CompiledStep =
  | { readonly op: "move"; readonly from: readonly string[]; readonly to: readonly string[] }
  | { readonly op: "default"; readonly path: readonly string[]; readonly value: JsonValue }
  | { readonly op: "drop"; readonly path: readonly string[] };

function compileStep(step: UpcastStep): CompiledStep {
  switch (step.op) {
    case "rename":
    case "move":
      return { op: "move", from: pointerTokens(step.from), to: pointerTokens(step.to) };
    case "default":
      return { op: "default", path: pointerTokens(step.path), value: step.value };
    case "drop":
      return { op: "drop", path: pointerTokens(step.path) };
  }
}

function applyStep(event: JsonObject, step: CompiledStep, copies: WeakSet<object>): void {
  switch (step.op) {
    case "move": {
      const value = removeAt(event, step.from, copies);
      if (value !== undefined) setAt(event, step.to, value, copies);
      return;
    }
    case "default":
      if (valueAtPath(event, step.path) === undefined) setAt(event, step.path, typeof step.value === "object" && step.value !== null ? structuredClone(step.value) : step.value, copies);
      return;
    case "drop":
      removeAt(event, step.path, copies);
      return;
  }
}

/** The object holding the last token of a path, copied (with every object above it) before it is changed. */
function parentOf(event: JsonObject, path: readonly string[], create: boolean, copies: WeakSet<object>): [JsonObject, string] | undefined {
  const last = path.at(-1);
  if (last === undefined) return undefined;
  let node: JsonObject = event;
  for (const token of path.slice(0, -1)) {
    const child = own(node, token);
    let next: JsonObject;
    if (isPlainObject(child)) {
      next = copies.has(child) ? (child as JsonObject) : copyOwn(child as JsonObject);
    } else if (create && child === undefined) {
      next = {};
    } else {
      return undefined;
    }
    if (next !== child) {
      copies.add(next);
      setOwn(node, token, next);
    }
    node = next;
  }
  return [node, last];
}

function setAt(event: JsonObject, path: readonly string[], value: JsonValue, copies: WeakSet<object>): void {
  const found = parentOf(event, path, true, copies);
  if (found !== undefined) setOwn(found[0], found[1], value);
}

function removeAt(event: JsonObject, path: readonly string[], copies: WeakSet<object>): JsonValue | undefined {
  if (valueAtPath(event, path) === undefined) return undefined;
  const found = parentOf(event, path, false, copies);
  if (found === undefined) return undefined;
  const [parent, key] = found;
  const value = own(parent, key);
  delete parent[key];
  return value;
}