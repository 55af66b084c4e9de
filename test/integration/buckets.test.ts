import { Kvm } from "@nats-io/kv";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { connect, createRegistry, type BucketSpec } from "@evc/runtime";
import { createEventStore } from "@evc/runtime/store";
import { startSaga, waitForProcess, waitForSaga } from "@evc/runtime/saga";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: false });

const declared: BucketSpec = { name: "evc-test-snapshots", description: "Snapshots of the bucket test.", storage: "file", replicas: 1, history: 3, ttlMs: 3_600_000, maxBytes: 10_485_760, maxValueBytes: 65_536 };

describe("runtime - the key-value buckets are provisioned as the spec declares them", () => {
  test("a declared bucket is created with its replicas, history, ttl and limits, and an existing one is brought in line", async () => {
    await new Kvm(fixture.bus.jetstream).create(declared.name, { history: 1 });
    const registry = createRegistry({ contracts: sdk.registry.contracts(), topology: { ...sdk.registry.topology, buckets: [declared] } });
    const bus = await connect({ registry, servers: fixture.server.url, provision: false });
    try {
      await createEventStore(bus, { snapshotBucket: declared.name });
      const { config } = await bus.manager.streams.info(`KV_${declared.name}`);
      expect(config).toMatchObject({ description: declared.description, storage: "file", num_replicas: 1, max_msgs_per_subject: 3, max_age: 3_600 * 1e9, max_bytes: 10_485_760, max_msg_size: 65_536 });
    } finally {
      await bus.close();
    }
  });

  test("the seeds' spec declares the saga, process-manager and snapshot buckets, and the runtime provisions them so", async () => {
    expect(sdk.registry.topology.buckets.map((bucket) => bucket.name)).toEqual(["evc-process-managers", "evc-sagas", "evc-snapshots"]);
    await createEventStore(fixture.bus);
    await expect(waitForSaga(fixture.bus, "none", "nothing", { timeoutMs: 100 })).rejects.toThrowError(/nothing/);
    const runner = await startSaga(fixture.bus, { name: "buckets", startOn: sdk.TaskCreated, initialState: () => ({}), steps: [{ id: "a", run: () => undefined }] });
    await runner.stop({ removeConsumer: true });
    await expect(waitForProcess(fixture.bus, "none", "nothing", () => true, { timeoutMs: 100 })).rejects.toThrowError(/nothing/);
    for (const name of ["evc-sagas", "evc-process-managers", "evc-snapshots"]) {
      const { config } = await fixture.bus.manager.streams.info(`KV_${name}`);
      expect({ name, description: config.description, replicas: config.num_replicas, history: config.max_msgs_per_subject, maxValueBytes: config.max_msg_size }).toEqual({
        name,
        description: sdk.registry.topology.buckets.find((bucket) => bucket.name === name)?.description,
        replicas: 1,
        history: 1,
        maxValueBytes: 1_048_576,
      });
    }
  });
});
