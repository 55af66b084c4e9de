// Upcasters of "execution_completed", written by hand: `evc generate` created this file and keeps the
// signatures in step with the specs, but never touches a function body.
import type { ExecutionCompletedV1Json } from "../../generated/integr8scode/execution-completed.v1.js";
import type { ExecutionCompletedV2Json } from "../../generated/integr8scode/execution-completed.v2.js";

/** Turn a "execution_completed" v1 event into a v2 one: `output` is the standard output, `runtime_ms` the wall time of the resource usage (the rest was not measured). */
export function upcastExecutionCompletedV1ToV2(event: ExecutionCompletedV1Json): ExecutionCompletedV2Json {
  const { execution_id, exit_code, output, runtime_ms } = event.data;
  const resource_usage = { execution_time_wall_seconds: runtime_ms / 1000, cpu_time_jiffies: 0, clk_tck_hertz: 0, peak_memory_kb: 0 };
  return { ...event, version: 2, data: { execution_id, exit_code, resource_usage, stdout: output, stderr: "" } };
}
