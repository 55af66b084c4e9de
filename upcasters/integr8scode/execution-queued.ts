// Upcasters of "execution_queued", written by hand: `evc generate` created this file and keeps the
// signatures in step with the specs, but never touches a function body.
import type { ExecutionQueuedV1Json } from "../../generated/integr8scode/execution-queued.v1.js";
import type { ExecutionQueuedV2Json } from "../../generated/integr8scode/execution-queued.v2.js";

/** Turn a "execution_queued" v1 event into a v2 one: the queue position is renamed, the expected wait becomes an expected start (the event's time plus the wait). */
export function upcastExecutionQueuedV1ToV2(event: ExecutionQueuedV1Json): ExecutionQueuedV2Json {
  const { execution_id, queue_position, estimated_wait_seconds } = event.data;
  const start = estimated_wait_seconds === undefined ? null : new Date(Date.parse(event.timestamp) + estimated_wait_seconds * 1000).toISOString();
  return { ...event, version: 2, data: { execution_id, position_in_queue: queue_position, estimated_start_time: start } };
}
