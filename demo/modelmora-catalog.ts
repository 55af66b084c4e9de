/**
 * ModelMora (seed 003): three registry services of three ages register models in one catalog on
 * the event store, writing `model.registered` as v1, v2 and v3; the catalog is loaded as v3, each
 * older event upcast on the way (v1 → v2 adds the checksum, v2 → v3 nests the model). Then an
 * inference job lifecycle: a worker takes `job.submitted`, loads the model (`model.loaded`) and
 * answers `job.completed`, or `job.failed` for a model the catalog does not hold.
 */
import { randomUUID } from "node:crypto";
import * as sdk from "@evc/seeds";
import type { JobCompletedV1, JobFailedV1, LatestEvents } from "@evc/seeds";
import { createEventStore } from "@evc/runtime/store";
import { type EventBus } from "@evc/runtime";
import { within, type DemoScope } from "./scope.js";

/** The type name as a legacy producer has it at run time: it picks the version, so the event is built untyped. */
const modelRegistered: string = "model.registered";

/** The same registration as each age of the registry service writes it. */
const registrations = [
  { version: 1, source: "registry-service 1.x", data: { model_id: "sentence-transformers/all-MiniLM-L6-v2", task_type: "txt2embed", version: "v2.2.2" } },
  { version: 2, source: "registry-service 2.x", data: { model_id: "BAAI/bge-small-en-v1.5", task_type: "txt2embed", version: "v1.5", checksum: "sha256:5c38ec7c" } },
  { version: 3, source: "registry-service 3.x", data: { model: { id: "openai/whisper-small", version: "v1", checksum: "sha256:9a3f0c11" }, task_type: "audio2txt" } },
] as const;

/** Register three models at three versions, load the catalog as v3, then run two inference jobs against it. */
export async function runModelCatalog(scope: DemoScope): Promise<void> {
  const { bus, log, runId } = scope;
  const catalog = { aggregateType: "model_catalog" as const, aggregateId: `catalog-${runId}` };
  const store = await createEventStore(bus);

  for (const [index, registration] of registrations.entries()) {
    const event = bus.create(modelRegistered, { version: registration.version, aggregateId: catalog.aggregateId, metadata: { source: registration.source, correlationId: catalog.aggregateId }, data: registration.data });
    const result = await store.append(catalog, [event], { expectedVersion: index });
    log(`  model.registered v${registration.version} by ${registration.source}: catalog at version ${result.version} (stream seq ${result.seq})`);
  }

  // Loaded events are typed by the aggregate type: every event type of model_catalog, each at its latest version.
  const { events, version } = await store.load(catalog);
  log(`  catalog ${catalog.aggregateId} loaded at version ${version}, every event as model.registered v3:`);
  const registrationEvents = events.flatMap(({ event, storedVersion }) => (event.type === "model.registered" ? [{ event, storedVersion }] : []));
  for (const recorded of registrationEvents) {
    const { model, task_type } = recorded.event.data;
    const path = Array.from({ length: 3 - recorded.storedVersion + 1 }, (_, step) => `v${recorded.storedVersion + step}`).join(" → ");
    log(`    ${model.id} ${model.version} (${task_type}, checksum ${model.checksum}) stored as v${recorded.storedVersion}, read ${path}`);
  }
  const registered = new Map(registrationEvents.map((recorded) => [recorded.event.data.model.id, recorded.event.data.model]));

  await runJobs(scope, registered);
}

/** A worker serves the catalog's models; the client submits one job for a registered model and one for a model that is not. */
async function runJobs(scope: DemoScope, registered: ReadonlyMap<string, { readonly id: string; readonly version: string }>): Promise<void> {
  const { bus, log, runId } = scope;
  const queue = `queue-${runId}`;
  const lifecycle = `lifecycle-${runId}`;
  const loaded = new Set<string>();

  await scope.on(sdk.JobSubmitted, "inference-worker", async (job) => {
    if (job.aggregateId !== queue) return;
    const began = performance.now();
    const metadata = { correlationId: job.data.job_id, causationId: job.id, source: "inference-worker" };
    const model = registered.get(job.data.model_id);
    if (model === undefined) {
      await publishOutcome(bus, "job.failed", queue, metadata, { job_id: job.data.job_id, model_id: job.data.model_id, error_message: `model "${job.data.model_id}" is not in the catalog`, processing_time_ms: performance.now() - began });
      return;
    }
    if (!loaded.has(model.id)) {
      await bus.publish(bus.create("model.loaded", { aggregateId: lifecycle, metadata, data: { model_id: model.id, version: model.version, memory_mb: 512, process_id: process.pid } }));
      loaded.add(model.id);
      log(`  model.loaded v1 ${model.id} ${model.version} for job ${job.data.job_id.slice(0, 8)}`);
    }
    await publishOutcome(bus, "job.completed", queue, metadata, { job_id: job.data.job_id, model_id: model.id, processing_time_ms: performance.now() - began, success: true });
  });

  const jobs = [
    { id: randomUUID(), model: "openai/whisper-small" },
    { id: randomUUID(), model: "acme/unregistered-model" },
  ];
  const finished = new Map<string, JobCompletedV1 | JobFailedV1>();
  let allFinished: () => void = () => undefined;
  const everyJob = new Promise<void>((resolve) => (allFinished = resolve));
  await scope.on([sdk.JobSubmitted, sdk.JobCompleted, sdk.JobFailed], "inference-client", (event) => {
    if (event.type === "job.submitted" || !jobs.some((job) => job.id === event.data.job_id)) return;
    finished.set(event.data.job_id, event);
    if (finished.size === jobs.length) allFinished();
  });

  for (const job of jobs) {
    await bus.publish(bus.create("job.submitted", { aggregateId: queue, metadata: { correlationId: job.id, source: "inference-api" }, data: { job_id: job.id, model_id: job.model, priority: "normal" } }));
    log(`  job.submitted v1 ${job.id.slice(0, 8)} for ${job.model}`);
  }
  await within(everyJob, "the outcome of both jobs");
  for (const job of jobs) {
    const outcome = finished.get(job.id) as JobCompletedV1 | JobFailedV1;
    log(outcome.type === "job.completed" ? `  job.completed v1 ${job.id.slice(0, 8)}: success` : `  job.failed v1 ${job.id.slice(0, 8)}: ${outcome.data.error_message}`);
  }
}

async function publishOutcome(bus: EventBus<LatestEvents>, type: "job.completed" | "job.failed", queue: string, metadata: object, data: object): Promise<void> {
  await bus.publishJson(bus.create(type as string, { aggregateId: queue, metadata, data }));
}
