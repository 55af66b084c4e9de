// Upcasters of "execution_requested", written by hand: `evc generate` created this file and keeps the
// signatures in step with the specs, but never touches a function body.
import type { ExecutionRequestedV1Json } from "../../generated/integr8scode/execution-requested.v1.js";
import type { ExecutionRequestedV2Json } from "../../generated/integr8scode/execution-requested.v2.js";
import type { QueuePriority } from "../../generated/integr8scode/models.js";

/** Upstream's defaults (backend/app/settings.py) for the limits a v1 request could leave out. */
const upstreamDefaults = { timeout_seconds: 300, cpu_limit: "1000m", memory_limit: "128Mi", cpu_request: "1000m", memory_request: "128Mi" } as const;

/** v1's priority ran from 1 (highest) to 10; v2 names upstream's five queue priorities. */
function queuePriority(priority: number): QueuePriority {
  if (priority <= 1) return "critical";
  if (priority <= 3) return "high";
  if (priority <= 6) return "normal";
  if (priority <= 8) return "low";
  return "background";
}

/** Turn a "execution_requested" v1 event into a v2 one: the priority becomes a name, missing limits take upstream's defaults, `environment_variables` and `stdin` are dropped. */
export function upcastExecutionRequestedV1ToV2(event: ExecutionRequestedV1Json): ExecutionRequestedV2Json {
  const { priority = 5, environment_variables: _environment, stdin: _stdin, ...data } = event.data;
  return { ...event, version: 2, data: { ...upstreamDefaults, ...data, priority: queuePriority(priority) } };
}
