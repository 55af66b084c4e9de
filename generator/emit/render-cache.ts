import type { EventModels } from "./models.js";

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
