/**
 * `npm run bench [-- --json] [-- --only generator|compat]`: every benchmark of the project, each a ratio
 * or a time beside the plain library doing the same work in the same run. No test asserts on these.
 */
import { parseArgs } from "node:util";
import { benchCompat } from "./compat.js";
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

if (wanted("compat")) {
  const figures = await benchCompat("asyncapi");
  results["compat"] = figures;
  if (!values.json) {
    process.stdout.write(
      `compat, asyncapi/: ${figures.backwardChecksPerSecond} BACKWARD checks/s, ${figures.fullChecksPerSecond} FULL checks/s over ${figures.pairs} pairs of versions (ajv compiles the same schemas at ${figures.ajvCompilesPerSecond}/s); evc diff --against HEAD: ${figures.diffMs} ms in process, ${figures.diffCommandMs} ms as a command\n`,
    );
  }
}

if (values.json) process.stdout.write(`${JSON.stringify(results)}\n`);

function report(label: string, figures: GeneratorFigures): void {
  process.stdout.write(
    `${label}: ${figures.eventVersions} event versions in ${figures.generateMs} ms (specs read and checked in ${figures.loadMs} ms); Modelina alone on the same schemas: ${figures.modelinaMs} ms\n`,
  );
}
