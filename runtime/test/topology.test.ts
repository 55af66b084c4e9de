import { describe, expect, test } from "vitest";
import { bucketReplicas, bucketSpec } from "../topology.js";
import type { BucketSpec, StreamSpec } from "../topology.js";

/** Streams with these replica counts; `bucketReplicas` reads nothing else of them. */
const streams = (...replicas: number[]) => replicas.map((count, index) => ({ name: `S${index}`, replicas: count }) as unknown as StreamSpec);

describe("runtime - key-value buckets are replicated like the streams", () => {
  test("the snapshot and saga buckets get as many replicas as the most replicated stream of the specs", () => {
    expect(bucketReplicas({ streams: streams(1, 1, 1) })).toBe(1);
    expect(bucketReplicas({ streams: streams(1, 1, 3) })).toBe(3);
  });
});

describe("runtime - a bucket the specs declare is provisioned as declared, any other with the defaults", () => {
  test("bucketSpec returns the declared bucket, else one value per key kept for ever on the streams' replicas", () => {
    const sagas: BucketSpec = { name: "evc-sagas", description: "d", storage: "memory", replicas: 5, history: 4, ttlMs: 60_000, maxBytes: 1_000_000, maxValueBytes: 1_000 };
    expect(bucketSpec({ streams: streams(1, 3), buckets: [sagas] }, "evc-sagas")).toBe(sagas);
    expect(bucketSpec({ streams: streams(1, 3), buckets: [sagas] }, "evc-snapshots")).toEqual({ name: "evc-snapshots", description: undefined, storage: "file", replicas: 3, history: 1, ttlMs: 0, maxBytes: -1, maxValueBytes: -1 });
  });
});
