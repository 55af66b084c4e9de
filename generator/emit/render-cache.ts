/** What rendering an event's models gives, and the cache that keeps it across runs. */
import type { EventModel } from "../model.js";

/** One model rendered to TypeScript, without `export` (the file assembler adds it). */
export interface RenderedModel {
  readonly name: string;
  readonly kind: "class" | "interface" | "type";
  readonly code: string;
  /** Names of the other models this one refers to. */
  readonly uses: readonly string[];
}

/** The models of one event: its class first, then the nested models it uses. */
export interface EventModels {
  readonly event: EventModel;
  readonly models: readonly RenderedModel[];
  /** For a payload that is not an object: the type of the `value` its class wraps. */
  readonly valueType: string | undefined;
}

/**
 * The models rendered in the last run, kept across runs (`evc generate --watch`): an event whose model
 * (plain data, compared as JSON) and whose set of event classes are the same as then is not rendered
 * again. An event whose models include another event's class is always rendered, since that class
 * follows the other event. Only the entries of the last run are kept.
 */
export class ModelRenderCache {
  #entries = new Map<string, EventModels>();

  /** The models rendered for a key in the last run. */
  get(key: string): EventModels | undefined {
    return this.#entries.get(key);
  }

  /** Keep these entries, and only these, for the next run. */
  replace(entries: Map<string, EventModels>): void {
    this.#entries = entries;
  }
}
