import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { downcast, DowncastError, UnknownEventError } from "@evc/runtime";

const v3 = new sdk.ModelRegisteredV3({
  id: "7f89f42d-02bb-53e2-b384-b6c283a6b294",
  aggregateId: "770e8400-e29b-41d4-a716-446655440003",
  timestamp: "2025-12-04T10:30:00Z",
  metadata: {},
  data: { model: { id: "m-1", version: "v1", checksum: "sha256:00" }, task_type: "txt2embed" },
}).toJSON() as unknown as sdk.ModelRegisteredV3Json;

describe("runtime - downcast", () => {
  test("v3 reaches v1 through the declared downcast of v3, then the projection of v2 (checksum dropped)", () => {
    const v1 = downcast(sdk.registry, structuredClone(v3) as never, "model.registered", 3, 1);
    expect(v1).toEqual({ ...v3, version: 1, data: { model_id: "m-1", version: "v1", task_type: "txt2embed" } });
  });

  test("a result the older version refuses is a DowncastError naming the JSON path", () => {
    const broken = { ...v3, data: { ...v3.data, model: { id: "m-1", version: "" } } };
    expect(() => downcast(sdk.registry, broken as never, "model.registered", 3, 2)).toThrowError(DowncastError);
    expect(() => downcast(sdk.registry, broken as never, "model.registered", 3, 2)).toThrowError(/cannot read "model.registered" v3 as v2: the result is not a valid v2: .*\/data\/version must NOT have fewer than 1 characters/);
  });

  test("a version the registry does not know is an UnknownEventError", () => {
    expect(() => downcast(sdk.registry, {}, "model.registered", 4, 2)).toThrowError(UnknownEventError);
  });
});
