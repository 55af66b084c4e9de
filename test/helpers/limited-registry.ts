import { registry, type LatestEvents } from "@evc/seeds";
import { createRegistry, type Registry, type StreamSpec } from "@evc/runtime";

/** The seed registry with these limits on the LATECHFORCE stream, where "record-created" and "automation.triggered" live. */
export function limitedRegistry(limits: Partial<StreamSpec>): Registry<LatestEvents> {
  const streams = registry.topology.streams.map((stream) => (stream.name === "LATECHFORCE" ? { ...stream, ...limits } : stream));
  return createRegistry<LatestEvents>({ contracts: registry.contracts(), topology: { ...registry.topology, streams } });
}
