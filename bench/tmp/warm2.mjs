import { generate } from "../../generator/dist/generate.js";
import { WorkerSdkEmitter } from "../../generator/dist/emit/worker-emitter.js";
const mode = process.argv[2] ?? "spare";
let spare = new WorkerSdkEmitter();
await new Promise((r) => setTimeout(r, 3000));
for (let i = 0; i < 8; i++) {
  const t = performance.now();
  const emitter = mode === "spare" ? spare : mode === "inproc" ? undefined : new WorkerSdkEmitter();
  await generate({ cwd: process.cwd(), ...(emitter ? { emitter } : {}) });
  console.log(mode, i, (performance.now() - t).toFixed(0), "ms");
  emitter?.[Symbol.dispose]();
  if (mode === "spare") { spare = new WorkerSdkEmitter(); await new Promise((r) => setTimeout(r, 3000)); }
}
process.exit(0);
