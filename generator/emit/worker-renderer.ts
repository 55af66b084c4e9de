/**
 * Renders Modelina's models in a worker thread, so that on a machine with more than one core they
 * render while the main thread writes the rest of the SDK, and Modelina's modules load while the main
 * thread parses the specs. The worker starts when the renderer is made and renders one run.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ContractError } from "@evc/runtime/errors";
import type { EventModel } from "../model.js";
import type { EventModels } from "./render-cache.js";
import { rebuildFailure, type RenderReply } from "./render-protocol.js";
import type { ModelRenderer } from "./renderer.js";

/** The worker's module in the build, beside this one. */
const workerModule = new URL("./render-worker.js", import.meta.url);

/** Thrown when the render worker cannot start, dies, or is closed before it answers; names the worker's module. */
export class RenderWorkerError extends ContractError {
  constructor(module: URL, what: string, options?: ErrorOptions) {
    super(`the Modelina render worker (${module.protocol === "file:" ? fileURLToPath(module) : module.href}) ${what}`, options);
    this.name = "RenderWorkerError";
  }
}

/** A render asked of the worker, waiting for its reply. */
interface Pending {
  readonly events: readonly EventModel[];
  readonly resolve: (rendered: EventModels[]) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A worker thread that loads Modelina from the moment this is made, and renders the events of one
 * `render`. It never keeps the process alive except while a render is awaited; `[Symbol.dispose]`
 * ends it. There is no fallback: a worker that cannot start or dies fails the render with a
 * `RenderWorkerError`; an error the rendering throws comes back as that error.
 */
export class WorkerModelRenderer implements ModelRenderer, Disposable {
  readonly #module: URL;
  readonly #worker: Worker;
  /** Why the worker cannot render (any more): set when it fails, exits or is disposed of. */
  #failure: RenderWorkerError | undefined;
  #pending: Pending | undefined;
  #asked = false;

  /** Start the worker (`module`: the worker's module, by default the build's `render-worker.js`). */
  constructor(module: URL = workerModule) {
    this.#module = module;
    try {
      this.#worker = new Worker(module);
    } catch (error) {
      throw new RenderWorkerError(module, `cannot start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.#worker.unref();
    this.#worker.on("message", (reply: RenderReply) => this.#answer(reply));
    this.#worker.on("error", (error) => this.#fail(new RenderWorkerError(module, `failed: ${error.message}`, { cause: error })));
    this.#worker.on("exit", (code) => this.#fail(new RenderWorkerError(module, `stopped (exit code ${code}) before it rendered the models`)));
  }

  /** Send the events to the worker and wait for their models; the process stays alive meanwhile. */
  render(events: readonly EventModel[]): Promise<EventModels[]> {
    if (this.#asked) return Promise.reject(new RenderWorkerError(this.#module, "renders one run only; start another for the next"));
    this.#asked = true;
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      try {
        this.#worker.postMessage(events);
      } catch (error) {
        void this.#worker.terminate();
        reject(new RenderWorkerError(this.#module, `cannot be sent the events: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
        return;
      }
      this.#pending = { events, resolve, reject };
      this.#worker.ref();
    });
  }

  /** End the worker; a render still awaited fails. */
  [Symbol.dispose](): void {
    this.#fail(new RenderWorkerError(this.#module, "was closed before it rendered the models"));
    void this.#worker.terminate();
  }

  #answer(reply: RenderReply): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    void this.#worker.terminate();
    if ("failure" in reply) {
      pending.reject(rebuildFailure(reply.failure, new RenderWorkerError(this.#module, "threw this while rendering the models")));
      return;
    }
    pending.resolve(reply.rendered.map(({ models, valueType }, index) => ({ event: pending.events[index] as EventModel, models, valueType })));
  }

  #fail(failure: RenderWorkerError): void {
    this.#failure ??= failure;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(this.#failure);
  }
}
