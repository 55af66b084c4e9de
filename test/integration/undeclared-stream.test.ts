/**
 * An event on no stream the specs declare: a stream the topology declares may be missing for a
 * while (provisioning, a restart) and is waited for; one it does not declare will not come, so
 * its publish fails at once with `NoStreamError`, as on the in-memory bus, instead of after the
 * whole retry budget with a timeout.
 */
import { describe, expect, test } from "vitest";
import { RecordCreated, registry, type LatestEvents } from "@evc/seeds";
import { createRegistry, NoStreamError, NoStreamResponseError, PublishTimeoutError } from "@evc/runtime";
import { createMemoryBus } from "@evc/runtime/memory";
import { useOwnServerBuses } from "../helpers/bus.js";

/** The seed registry without the LATECHFORCE stream: "record-created" is on no declared stream. */
function withoutLatechforce() {
  const contracts = registry.contracts().map((contract) => (contract.stream === "LATECHFORCE" ? { ...contract, stream: undefined } : contract));
  const streams = registry.topology.streams.filter((stream) => stream.name !== "LATECHFORCE");
  return createRegistry<LatestEvents>({ contracts, topology: { ...registry.topology, streams } });
}

const record = { aggregateId: "contacts", data: { tableId: "contacts", recordId: "r-1", fields: {}, createdBy: "ada" } };

describe("publishing an event on no declared stream", () => {
  const ownServerBus = useOwnServerBuses();

  test("JetStream: NoStreamError at once, the server's no-responders answer as its cause", async () => {
    const bus = await ownServerBus(withoutLatechforce(), "tables");
    const publishing = bus.publish(bus.create(RecordCreated, record));
    await expect(publishing).rejects.toThrowError(NoStreamError);
    await expect(publishing).rejects.toThrowError('no stream of the topology holds "latechforce.table.contacts"; declare one in the spec\'s x-evc-jetstream');
    await expect(publishing).rejects.not.toThrowError(PublishTimeoutError);
    expect(((await publishing.catch((error: unknown) => error)) as Error).cause).toBeInstanceOf(NoStreamResponseError);
  });

  test("in memory: the same error", async () => {
    const bus = createMemoryBus({ registry: withoutLatechforce(), service: "tables" });
    await expect(bus.publish(bus.create(RecordCreated, record))).rejects.toThrowError(NoStreamError);
    await bus.close();
  });
});
