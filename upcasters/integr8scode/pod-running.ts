// Upcasters of "pod_running", written by hand: `evc generate` created this file and keeps the
// signatures in step with the specs, but never touches a function body.
import type { PodRunningV1Json } from "../../generated/integr8scode/pod-running.v1.js";
import type { PodRunningV2Json } from "../../generated/integr8scode/pod-running.v2.js";
import type { ContainerStatusInfo } from "../../generated/integr8scode/pod-running.v2.js";

/** Kubernetes' container status (`name`, `ready`, `restartCount`, `state: {running: {...}}`) as upstream's `ContainerStatusInfo`. */
function containerStatus(status: Record<string, unknown>): ContainerStatusInfo {
  const state = status["state"];
  return {
    name: typeof status["name"] === "string" ? status["name"] : "unknown",
    ready: status["ready"] === true,
    restart_count: typeof status["restartCount"] === "number" ? status["restartCount"] : typeof status["restart_count"] === "number" ? status["restart_count"] : 0,
    state: typeof state === "string" ? state : typeof state === "object" && state !== null ? (Object.keys(state)[0] ?? "unknown") : "unknown",
  };
}

/** Turn a "pod_running" v1 event into a v2 one: each open Kubernetes container status becomes a closed `ContainerStatusInfo`. */
export function upcastPodRunningV1ToV2(event: PodRunningV1Json): PodRunningV2Json {
  return { ...event, version: 2, data: { ...event.data, container_statuses: event.data.container_statuses.map(containerStatus) } };
}
