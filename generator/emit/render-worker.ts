/**
 * The worker thread of `WorkerModelRenderer`: it loads Modelina as soon as it starts, renders the
 * events of the one message it is sent with `renderModels` and replies once (see `render-protocol.ts`);
 * the main thread then ends it.
 */
import { parentPort } from "node:worker_threads";
import type { EventModel } from "../model.js";
import { renderModels } from "./models.js";
import { describeFailure, type RenderReply } from "./render-protocol.js";

const port = parentPort;
if (port === null) throw new Error("render-worker.js runs in a worker thread that WorkerModelRenderer starts, not as a program");

port.once("message", (events: readonly EventModel[]) => {
  const reply = (message: RenderReply) => port.postMessage(message);
  renderModels(events).then(
    (rendered) => reply({ rendered: rendered.map(({ models, valueType }) => ({ models, valueType })) }),
    (thrown: unknown) => reply({ failure: describeFailure(thrown) }),
  );
});
