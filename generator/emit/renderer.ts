/**
 * What renders Modelina's models during a run. `generate()` renders them in its own thread by default
 * (`InProcessRenderer`, which can keep them across runs); the one-shot `evc generate` and `evc check`
 * render them in a worker thread (`WorkerModelRenderer`), beside the rest of the run.
 */
import type { EventModel } from "../model.js";
import type { EventModels, ModelRenderCache } from "./render-cache.js";

/** Renders the models of a run's events. */
export interface ModelRenderer {
  /** The models of each event, in the events' order, each entry's `event` being the object given. */
  render(events: readonly EventModel[]): Promise<EventModels[]>;
}

/**
 * Renders in this thread; with a cache, only the events that changed since its last run. Modelina
 * (its bundle, in the build) is loaded on the first render, so a run that renders elsewhere never loads it.
 */
export class InProcessRenderer implements ModelRenderer {
  readonly #cache: ModelRenderCache | undefined;

  constructor(cache?: ModelRenderCache) {
    this.#cache = cache;
  }

  /** Render with Modelina here (see `renderModels`). */
  async render(events: readonly EventModel[]): Promise<EventModels[]> {
    const { renderModels } = await import("./models.js");
    return renderModels(events, this.#cache);
  }
}
