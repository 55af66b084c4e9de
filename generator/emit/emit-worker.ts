/**
 * The worker thread of `WorkerSdkEmitter`: it loads the emitters (Modelina, ts-morph) as soon as it
 * starts, and the hand-written upcasters' loader after them; for the events it may be sent first, it
 * runs those upcasters on the examples and renders the models; it emits the model it is sent with
 * `emitHere` and replies once (see `emit-protocol.ts`); the main thread then ends it.
 */
import { existsSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { registerUpcasterLoader, tryHandWrittenUpcasts, type UpcastTrial } from "../upcaster-examples.js";
import { describeFailure, followCompileCache, type EmitReply, type EmitRequest, type EmitWorkerData } from "./emit-protocol.js";
import { emitHere, loadEmitters } from "./emitter.js";
import type { EventModels } from "./render-cache.js";

const port = parentPort;
if (port === null) throw new Error("emit-worker.js runs in a worker thread that WorkerSdkEmitter starts, not as a program");

const data = workerData as EmitWorkerData | undefined;
followCompileCache(data);
// Loaded now, while the main thread reads the specs; a failure to load is emitHere's to report.
const loading = loadEmitters();
loading.catch(() => {});
// Registered while the main thread reads the specs too (it takes tsx's loader thread a while to start).
const upcasterLoader = data?.upcasters !== undefined && existsSync(data.upcasters) ? loading.then(registerUpcasterLoader) : undefined;
upcasterLoader?.catch(() => {});
let trials: Promise<UpcastTrial[]> | undefined;
let rendering: Promise<EventModels[]> | undefined;

port.on("message", (request: EmitRequest) => {
  if ("render" in request) {
    const { render: events, layout, cwd } = request;
    trials = loading.then(() => tryHandWrittenUpcasts(events, layout, cwd, upcasterLoader));
    // The models render after the trials, whether or not they failed; their failures are the emit's to report, when the emit comes.
    rendering = trials.catch(() => undefined).then(() => loading.then(([{ renderModels }]) => renderModels(events)));
    rendering.catch(() => {});
    return;
  }
  const reply = (message: EmitReply) => port.postMessage(message);
  emitHere(request.model, request.layout, request.cwd, { rendering, trials }).then(
    (emitted) => reply({ emitted }),
    (thrown: unknown) => reply({ failure: describeFailure(thrown) }),
  );
});
