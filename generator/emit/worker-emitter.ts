/**
 * Emits the SDK's files that need Modelina's models or ts-morph in a worker thread, so that on a
 * machine with more than one core Modelina and the TypeScript compiler load while the main thread
 * parses the specs, and the files are written while it writes the validators. The worker starts when
 * the emitter is made and emits one run.
 */
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { ContractError } from "@evc/runtime/errors";
import type { ContractModel, EventModel } from "../model.js";
import { emitWorkerData, rebuildFailure, type EmitReply, type EmitRequest } from "./emit-protocol.js";
import type { EmittedSdk, SdkEmitter } from "./emitter.js";
import type { Layout } from "./layout.js";

/** The worker's module in the build, beside this one. */
const workerModule = new URL("./emit-worker.js", import.meta.url);

/** Thrown when the emit worker cannot start, dies, or is closed before it answers; names the worker's module. */
export class EmitWorkerError extends ContractError {
  constructor(module: URL, what: string, options?: ErrorOptions) {
    super(`the SDK emit worker (${module.protocol === "file:" ? fileURLToPath(module) : module.href}) ${what}`, options);
    this.name = "EmitWorkerError";
  }
}

/** An emit asked of the worker, waiting for its reply. */
interface Pending {
  readonly resolve: (emitted: EmittedSdk) => void;
  readonly reject: (error: Error) => void;
}

/**
 * A worker thread that loads the emitters from the moment this is made, and emits the model of one
 * `emit`. It never keeps the process alive except while an emit is awaited; `[Symbol.dispose]` ends
 * it. There is no fallback: a worker that cannot start or dies fails the emit with an
 * `EmitWorkerError`; an error emitting throws comes back as that error.
 */
export class WorkerSdkEmitter implements SdkEmitter, Disposable {
  readonly #module: URL;
  readonly #worker: Worker;
  /** Why the worker cannot emit (any more): set when it fails, exits or is disposed of. */
  #failure: EmitWorkerError | undefined;
  #pending: Pending | undefined;
  #asked = false;

  /**
   * Start the worker (`module`: the worker's module, by default the build's `emit-worker.js`); given the
   * folder of hand-written upcasters (absolute), it registers their loader while the specs are read.
   */
  constructor(options: { readonly module?: URL; readonly upcasters?: string } = {}) {
    const module = options.module ?? workerModule;
    this.#module = module;
    try {
      this.#worker = new Worker(module, { workerData: emitWorkerData(options.upcasters) });
    } catch (error) {
      throw new EmitWorkerError(module, `cannot start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    this.#worker.unref();
    this.#worker.on("message", (reply: EmitReply) => this.#answer(reply));
    this.#worker.on("error", (error) => this.#fail(new EmitWorkerError(module, `failed: ${error.message}`, { cause: error })));
    this.#worker.on("exit", (code) => this.#fail(new EmitWorkerError(module, `stopped (exit code ${code}) before it emitted the files`)));
  }

  /**
   * Send the events as read to the worker, which runs the hand-written upcasters on their examples and
   * renders their models while the rules check them (a model that cannot be sent here is reported by `emit`).
   */
  prepare(events: readonly EventModel[], layout: Layout, cwd: string): void {
    if (this.#asked || this.#failure !== undefined) return;
    try {
      this.#worker.postMessage({ render: events, layout, cwd } satisfies EmitRequest);
    } catch {
      // The emit sends the model again, and reports what cannot be sent.
    }
  }

  /** Send the model to the worker and wait for its files; the process stays alive meanwhile. The worker finds the shared subschemas itself. */
  emit(model: ContractModel, layout: Layout, cwd: string): Promise<EmittedSdk> {
    if (this.#asked) return Promise.reject(new EmitWorkerError(this.#module, "emits one run only; start another for the next"));
    this.#asked = true;
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      try {
        this.#worker.postMessage({ model, layout, cwd } satisfies EmitRequest);
      } catch (error) {
        void this.#worker.terminate();
        reject(new EmitWorkerError(this.#module, `cannot be sent the model: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
        return;
      }
      this.#pending = { resolve, reject };
      this.#worker.ref();
    });
  }

  /** End the worker; an emit still awaited fails. */
  [Symbol.dispose](): void {
    this.#fail(new EmitWorkerError(this.#module, "was closed before it emitted the files"));
    void this.#worker.terminate();
  }

  #answer(reply: EmitReply): void {
    const pending = this.#pending;
    if (pending === undefined) return;
    this.#pending = undefined;
    void this.#worker.terminate();
    if ("failure" in reply) pending.reject(rebuildFailure(reply.failure, new EmitWorkerError(this.#module, "threw this while emitting the files")));
    else pending.resolve(reply.emitted);
  }

  #fail(failure: EmitWorkerError): void {
    this.#failure ??= failure;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(this.#failure);
  }
}
