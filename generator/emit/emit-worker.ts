/**
 * The worker thread of `WorkerSdkEmitter`: it loads the emitters (Modelina, ts-morph) as soon as it
 * starts, renders the models of the events it may be sent first, emits the model it is sent with
 * `emitHere` and replies once (see `emit-protocol.ts`); the main thread then ends it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { describeFailure, followCompileCache, type EmitReply, type EmitRequest, type EmitWorkerData } from "./emit-protocol.js";
import { emitHere, loadEmitters } from "./emitter.js";
import type { EventModels } from "./render-cache.js";

const port = parentPort;
if (port === null) throw new Error("emit-worker.js runs in a worker thread that WorkerSdkEmitter starts, not as a program");

followCompileCache(workerData as EmitWorkerData | undefined);
// Loaded now, while the main thread reads the specs; a failure to load is emitHere's to report.
const loading = loadEmitters();
loading.catch(() => {});
let rendering: Promise<EventModels[]> | undefined;

port.on("message", (request: EmitRequest) => {
  if ("render" in request) {
    rendering = loading.then(([{ renderModels }]) => renderModels(request.render));
    // Its failure is the emit's to report, when the emit comes.
    rendering.catch(() => {});
    return;
  }
  const reply = (message: EmitReply) => port.postMessage(message);
  emitHere(request.model, request.layout, request.cwd, { rendering }).then(
    (emitted) => reply({ emitted }),
    (thrown: unknown) => reply({ failure: describeFailure(thrown) }),
  );
});
