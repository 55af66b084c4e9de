/**
 * What writes, during a run, the SDK's files that Modelina's models go into and the hand-written
 * upcasters: every generated file but the validators module, which the main thread writes from its
 * schema compiler. `generate()` emits in its own thread by default (`InProcessEmitter`, which can keep
 * Modelina's models across runs); the one-shot `evc generate` and `evc check` emit in a worker thread
 * (`WorkerSdkEmitter`), where Modelina and ts-morph load while the specs are parsed.
 */
import type { ContractModel, EventModel } from "../model.js";
import { findSharedSchemas, type SharedSchemas } from "../shared-schemas.js";
import type { Layout } from "./layout.js";
import type { EventModels, ModelRenderCache } from "./render-cache.js";
import type { GeneratedFiles } from "./sdk.js";
import type { UpcasterPlan } from "./upcasters.js";
import { tryHandWrittenUpcasts, type UpcastTrial } from "../upcaster-examples.js";

/**
 * What emitting gives: the generated files but the validators module, by path relative to the output
 * folder, the upcaster files with their findings, and what the hand-written upcasters gave for the
 * examples, for the schema compiler to judge.
 */
export interface EmittedSdk {
  readonly generated: GeneratedFiles;
  readonly upcasters: UpcasterPlan;
  readonly upcastTrials: readonly UpcastTrial[];
}

/** Emits the files of a run that need Modelina's models or ts-morph. */
export interface SdkEmitter {
  /**
   * Start what can start from the events as read, before the rules check them (the worker runs the
   * hand-written upcasters on the examples and renders the models meanwhile); optional.
   */
  prepare?(events: readonly EventModel[], layout: Layout, cwd: string): void;

  /**
   * Emit the files of a model laid out by `layout` (`cwd`: where findings' paths start); `shared`, when
   * the caller has them, are the subschemas its events share, found again otherwise.
   */
  emit(model: ContractModel, layout: Layout, cwd: string, shared?: SharedSchemas): Promise<EmittedSdk>;
}

/** The emitters' modules: Modelina's (its bundle, in the build) and ts-morph with them; loaded once, on first use. */
export function loadEmitters() {
  return Promise.all([import("./models.js"), import("./sdk.js"), import("./upcasters.js")]);
}

/** What `emitHere` may be given: the shared subschemas, a cache of models, and what the events as read started. */
export interface EmitHereOptions {
  readonly shared?: SharedSchemas | undefined;
  readonly cache?: ModelRenderCache | undefined;
  /** The models of the events as read, being rendered. */
  readonly rendering?: Promise<readonly EventModels[]> | undefined;
  /** The hand-written upcasters' trials on the examples of the events as read, under way. */
  readonly trials?: Promise<readonly UpcastTrial[]> | undefined;
}

/**
 * Emit in this thread: run the hand-written upcasters on the examples and render the models (with a
 * cache, only those of events that changed since its last run), or take what the events as read
 * started, then write the files.
 */
export async function emitHere(model: ContractModel, layout: Layout, cwd: string, options: EmitHereOptions = {}): Promise<EmittedSdk> {
  const [{ renderModels }, { emitSdk }, { emitUpcasters }] = await loadEmitters();
  const upcastTrials = await (options.trials ?? tryHandWrittenUpcasts(model.events, layout, cwd));
  const rendered = options.rendering === undefined ? await renderModels(model.events, options.cache) : withEvents(await options.rendering, model.events);
  return { generated: emitSdk(model, options.shared ?? findSharedSchemas(model.events), layout, rendered), upcasters: emitUpcasters(model, layout, cwd), upcastTrials };
}

/** The models rendered for the events as read, each entry's `event` the model's own at its place (the same event, with its downcast verdict). */
function withEvents(rendered: readonly EventModels[], events: readonly EventModel[]): EventModels[] {
  return rendered.map((entry, index) => ({ ...entry, event: events[index] as EventModel }));
}

/** Emits in this thread; with a cache, Modelina renders only the events that changed since its last run. */
export class InProcessEmitter implements SdkEmitter {
  readonly #cache: ModelRenderCache | undefined;

  constructor(cache?: ModelRenderCache) {
    this.#cache = cache;
  }

  /** Emit here (see `emitHere`). */
  emit(model: ContractModel, layout: Layout, cwd: string, shared?: SharedSchemas): Promise<EmittedSdk> {
    return emitHere(model, layout, cwd, { shared, cache: this.#cache });
  }
}
