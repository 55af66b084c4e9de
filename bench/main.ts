/**
 * `npm run bench [-- --json] [-- --only generator|compat|runtime|store|outbox|pm]`: every benchmark of the
 * project, each a ratio or a time beside the plain library doing the same work in the same run. No
 * test asserts on these. With `--json`, one JSON object: the runtime's medians at the top
 * (`publish`, `consume`), each run under `runtimeRuns`, and the other benchmarks under their names.
 */
import { parseArgs } from "node:util";
import { benchCompat } from "./compat.js";
import { benchEventStore, type StoreFigures } from "./event-store.js";
import { benchEditLoop, benchGenerator, benchSynthetic, benchWatch, type GeneratorFigures } from "./generator.js";
import { benchOutbox, type OutboxFigures } from "./outbox.js";
import { benchProcessManager } from "./process-manager.js";
import { benchRuntime, medianFigures, type Throughput } from "./runtime.js";

const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, only: { type: "string" }, runs: { type: "string", default: "5" } } });

const results: Record<string, unknown> = {};
const wanted = (name: string) => values.only === undefined || values.only === name;

if (wanted("runtime")) {
  const runs = await benchRuntime(Number(values.runs));
  const median = medianFigures(runs);
  Object.assign(results, median, { runtimeRuns: runs });
  if (!values.json) {
    reportThroughput(`runtime publish, median of ${runs.length}`, median.publish);
    reportThroughput(`runtime consume, median of ${runs.length}`, median.consume);
  }
}

if (wanted("generator")) {
  const contracts = await benchGenerator("asyncapi");
  const synthetic = await benchSynthetic(500, 2);
  const loop = benchEditLoop();
  const watch = await benchWatch();
  results["generator"] = { contracts, synthetic, watch };
  Object.assign(results, loop);
  if (!values.json) {
    report("generator, asyncapi/", contracts);
    report("generator, synthetic", synthetic);
    process.stdout.write(
      `evc generate --watch, asyncapi/: from the save of an edit of one spec to the end of its run (median of 5, the 100 ms settling pause included): ${watch.specEditMs} ms for a description of the spec, ${watch.schemaEditMs} ms for a description in a payload schema\n`,
    );
    process.stdout.write(
      `evc --help: ${loop.startup.evc} ms (--version ${loop.startup.evcVersion} ms), node -e 0: ${loop.startup.node} ms (ratio ${loop.startup.ratio}); unchanged specs: evc generate ${loop.generateUnchanged.ms} ms (in full, --no-cache, a whole process: ${loop.generateUnchanged.yardstickMs} ms), evc check ${loop.checkUnchanged.ms} ms (in full ${loop.checkUnchanged.yardstickMs} ms); a full generation, a whole process: ${loop.fullGenerate.ms} ms, @asyncapi/parser alone parsing the same specs: ${loop.fullGenerate.yardstickMs} ms (ratio ${loop.fullGenerate.ratio})\n`,
    );
  }
}

if (wanted("store")) {
  const store = await benchEventStore();
  results["store"] = store;
  if (!values.json) reportStore(store);
}

if (wanted("outbox")) {
  const outbox = await benchOutbox(10_000, process.env["EVC_POSTGRES_URL"]);
  results["outbox"] = outbox;
  if (!values.json) reportOutbox(outbox);
}

if (wanted("pm")) {
  const figures = await benchProcessManager();
  results["pm"] = figures;
  if (!values.json) {
    process.stdout.write(
      `process manager, ${figures.events} events over ${figures.keys} instances, one runner, median of 3 rounds after a warm-up: ${figures.transitionsPerSecond} transitions/s, ${figures.emittingPerSecond}/s emitting one event each; a plain KV get + revision-checked update per event: ${figures.rawUpdatesPerSecond}/s\n`,
    );
  }
}

if (wanted("compat")) {
  const figures = await benchCompat("asyncapi");
  results["compat"] = figures;
  if (!values.json) {
    process.stdout.write(
      `compat, asyncapi/: ${figures.backwardChecksPerSecond} BACKWARD checks/s (each round anew; goal ${figures.goal}/s, ratio ${figures.ratio}; ${figures.changedBackwardChecksPerSecond}/s over the ${figures.changedPairs} pairs of two different versions; ${figures.reusedBackwardChecksPerSecond}/s reusing earlier comparisons; first round of the process ${figures.firstBackwardChecksPerSecond}/s), ${figures.fullChecksPerSecond} FULL checks/s over ${figures.pairs} pairs of versions (ajv compiles the same schemas at ${figures.ajvCompilesPerSecond}/s); evc diff --against HEAD: ${figures.diffMs} ms in process, ${figures.diffCommandMs} ms as a command\n`,
    );
  }
}

if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);

function report(label: string, figures: GeneratorFigures): void {
  process.stdout.write(
    `${label}: ${figures.eventVersions} event versions, a full generation in process in ${figures.generateMs} ms (the median of the runs after the first, which took ${figures.firstGenerateMs} ms; specs read and checked in ${figures.loadMs} ms); Modelina alone on the same schemas: ${figures.modelinaMs} ms\n`,
  );
}

function reportThroughput(label: string, figures: Throughput): void {
  process.stdout.write(`${label}: ${figures.runtime} events/s, raw client ${figures.raw} events/s (ratio ${figures.ratio}); raw client without headers ${figures.rawNoHeaders} events/s\n`);
}

function reportStore(figures: StoreFigures): void {
  process.stdout.write(
    `event store, appends: ${figures.storeAppendsPerSecond}/s (${figures.appends} single-event appends with the expected version, one writer); plain NATS.js publishes with the same expected-sequence header: ${figures.rawAppendsPerSecond}/s (ratio ${figures.ratios.appends.ratio})\n` +
      `event store, load of ${figures.events} events: ${figures.fullLoadMs} ms in full, ${figures.snapshotLoadMs} ms from a snapshot 10 events before the end; a plain ordered consumer reading the subject (JSON.parse only): ${figures.rawLoadMs} ms (ratio ${figures.ratios.load.ratio})\n`,
  );
}

function reportOutbox(figures: OutboxFigures): void {
  process.stdout.write(
    `outbox, ${figures.events} events: enqueueAll in one transaction ${figures.enqueueMs} ms (a plain pg INSERT of the same JSON: ${figures.rawInsertMs} ms); relayed at ${figures.relayPerSecond} events/s (bus.publishBatch of the same events from memory: ${figures.publishBatchPerSecond} events/s)\n`,
  );
}
