import { describe, expect, test } from "vitest";
import { registry } from "../../generated/index.js";
import { bucketReplicas } from "../../runtime/topology.js";

describe("runtime - key-value buckets are replicated like the streams", () => {
  test("the snapshot and saga buckets get as many replicas as the most replicated stream of the specs", () => {
    expect(bucketReplicas(registry.topology)).toBe(1);
    const streams = registry.topology.streams.map((stream, index) => ({ ...stream, replicas: index === 2 ? 3 : 1 }));
    expect(bucketReplicas({ streams })).toBe(3);
  });
});
