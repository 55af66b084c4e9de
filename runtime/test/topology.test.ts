import { describe, expect, test } from "vitest";
import { bucketReplicas } from "../topology.js";
import type { StreamSpec } from "../topology.js";

/** Streams with these replica counts; `bucketReplicas` reads nothing else of them. */
const streams = (...replicas: number[]) => replicas.map((count, index) => ({ name: `S${index}`, replicas: count }) as unknown as StreamSpec);

describe("runtime - key-value buckets are replicated like the streams", () => {
  test("the snapshot and saga buckets get as many replicas as the most replicated stream of the specs", () => {
    expect(bucketReplicas({ streams: streams(1, 1, 1) })).toBe(1);
    expect(bucketReplicas({ streams: streams(1, 1, 3) })).toBe(3);
  });
});
