/**
 * `npm run bench [-- --json] [-- --only generator|store]`: every benchmark of the project, each a ratio
 * or a time beside the plain library doing the same work in the same run. No test asserts on these.
 */
import { parseArgs } from "node:util";
import { benchEventStore, type StoreFigures } from "./event-store.js";
import { benchGenerator, benchSynthetic, type GeneratorFigures } from "./generator.js";

const { values } = parseArgs({ options: { json: { type: "boolean", default: false }, only: { type: "string" } } });

const results: Record<string, unknown> = {};
const wanted = (name: string) => values.only === undefined || values.only === name;

if (wanted("generator")) {
  const contracts = await benchGenerator("asyncapi");
  const synthetic = await benchSynthetic(500, 2);
  results["generator"] = { contracts, synthetic };
  if (!values.json) {
    report("generator, asyncapi/", contracts);
    report("generator, synthetic", synthetic);
  }
}

if (wanted("store")) {
  const store = await benchEventStore();
  results["store"] = store;
  if (!values.json) reportStore(store);
}

if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);

function report(label: string, figures: GeneratorFigures): void {
  process.stdout.write(
    `${label}: ${figures.eventVersions} event versions in ${figures.generateMs} ms (specs read and checked in ${figures.loadMs} ms); Modelina alone on the same schemas: ${figures.modelinaMs} ms\n`,
  );
}

function reportStore(figures: StoreFigures): void {
  process.stdout.write(
    `event store, appends: ${figures.storeAppendsPerSecond}/s (${figures.appends} single-event appends with the expected version, one writer); plain NATS.js publishes with the same expected-sequence header: ${figures.rawAppendsPerSecond}/s\n` +
      `event store, load of ${figures.events} events: ${figures.fullLoadMs} ms in full, ${figures.snapshotLoadMs} ms from a snapshot 10 events before the end; a plain ordered consumer reading the subject (JSON.parse only): ${figures.rawLoadMs} ms\n`,
  );
}
