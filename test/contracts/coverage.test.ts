/**
 * Contract tests CI runs over the real specs and the checked-in SDK (seed 004's schema coverage test,
 * and more): each tells exactly what is missing.
 */
import { beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { check, type ContractModel, loadContracts } from "@evc/cli";
import type { EventContract, JsonObject } from "@evc/runtime/codegen";
import * as sdk from "@evc/seeds";

let model: ContractModel;

beforeAll(async () => {
  model = (await loadContracts({ specs: "asyncapi", cwd: process.cwd(), allowRemoteRefs: false })).model;
});

const key = (type: string, version: number) => `${type} v${version}`;

describe("contracts - coverage", () => {
  test("generated/ is in sync with asyncapi/", async () => {
    const result = await check();
    expect(result.files.map((file) => `${file.path} (${file.reason})`)).toEqual([]);
  });

  test("every event version of the specs has a contract and a class in the SDK", () => {
    const missing = model.events
      .filter((event) => {
        const contract = sdk.registry.get(event.type, event.version);
        const exported = (sdk as Record<string, unknown>)[event.className];
        return contract === undefined || typeof exported !== "function" || (exported as { contract?: unknown }).contract !== contract;
      })
      .map((event) => key(event.type, event.version));
    expect(missing).toEqual([]);
  });

  test("no class or contract in the SDK lacks a message in the specs", () => {
    const declared = new Set(model.events.map((event) => event.className));
    const orphans = Object.entries(sdk)
      .filter(([name, value]) => typeof value === "function" && "contract" in value && !declared.has(name))
      .map(([name]) => name);
    const orphanContracts = sdk.contracts.filter((contract) => !declared.has(contract.className)).map((contract) => contract.className);
    expect([...orphans, ...orphanContracts]).toEqual([]);
  });

  test("EventType names every type, and the unions (of all, and of each system) cover every class", () => {
    const types = [...new Set(model.events.map((event) => event.type))].sort();
    expect(Object.values(sdk.EventType).sort()).toEqual(types);
    expect(sdk.registry.types()).toEqual(types);
    expectTypeOf<sdk.AnyEvent["type"]>().toEqualTypeOf<sdk.EventType>();
    expectTypeOf<sdk.LatestEvents[keyof sdk.LatestEvents]>().toExtend<sdk.AnyEvent>();
    expectTypeOf<sdk.KubegramEvent | sdk.LatechforceEvent | sdk.DevopsMcpEvent | sdk.ModelmoraEvent | sdk.Integr8scodeEvent>().toEqualTypeOf<sdk.AnyEvent>();
  });

  test("every message version has an example, and every example validates and round-trips through its class", () => {
    const failures: string[] = [];
    for (const event of model.events) {
      const contract = sdk.registry.get(event.type, event.version) as EventContract<{ toJSON(): unknown }>;
      if (event.examples.length === 0) failures.push(`${key(event.type, event.version)}: no example`);
      for (const example of event.examples) {
        if (!contract.validate(example.payload)) {
          failures.push(`${key(event.type, event.version)}: example ${example.name ?? "?"} is invalid`);
          continue;
        }
        const built = contract.create(structuredClone(example.payload) as JsonObject);
        if (JSON.stringify(built.toJSON()) !== JSON.stringify(example.payload)) failures.push(`${key(event.type, event.version)}: example ${example.name ?? "?"} does not round-trip`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("every version reaches the latest: each example upcasts to a valid latest version, hand-written upcasters included", () => {
    const failures: string[] = [];
    for (const event of model.events) {
      for (const example of event.examples) {
        try {
          sdk.registry.upcast(structuredClone(example.payload) as JsonObject, event.type, event.version);
        } catch (error) {
          failures.push(`${key(event.type, event.version)}: ${(error as Error).message}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  test("every contract of our own specs is an envelope event on a subject of a declared stream", () => {
    const streams = new Set(sdk.topology.streams.map((stream) => stream.name));
    const misplaced = sdk.contracts
      .filter((contract) => !contract.envelope || contract.subject === undefined || contract.stream === undefined || !streams.has(contract.stream))
      .map((contract) => key(contract.type, contract.version));
    expect(misplaced).toEqual([]);
  });
});
