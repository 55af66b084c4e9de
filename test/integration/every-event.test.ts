/**
 * Every event version of the five systems goes through a real nats-server: each example of the specs
 * is written (published, or appended through the event store for the aggregates only it writes),
 * and one subscription to every type reads each back, validated and upcast to its latest version,
 * on the channel its contract names. The examples' own checks (`test/contracts`) stop at the SDK;
 * this one covers subjects, streams, headers and decoding of events no flow of the demo publishes.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import { loadContracts } from "@evc/cli";
import * as sdk from "@evc/seeds";
import { subjectOf, type EventInstance, type HandlerContext } from "@evc/runtime";
import type { JsonObject } from "@evc/runtime/codegen";
import { createEventStore } from "@evc/runtime/store";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: true });

/** One example to write, under an id of its own (examples of different versions share ids, which the duplicate window would drop). */
interface Written {
  readonly key: string;
  readonly json: JsonObject;
}

async function examples(): Promise<Written[]> {
  const { model } = await loadContracts({ specs: "asyncapi", cwd: process.cwd(), allowRemoteRefs: false });
  return model.events.flatMap((event) =>
    event.examples.map((example, index) => ({ key: `${event.type} v${event.version} #${index}`, json: { ...(structuredClone(example.payload) as JsonObject), id: randomUUID() } })),
  );
}

describe("runtime - every event of the specs on JetStream", () => {
  test("each example of each version is written, and read back as its latest version on its contract's subject", async () => {
    const written = await examples();
    const eventSourced = new Set(sdk.registry.topology.streams.flatMap((stream) => stream.eventSourced));
    const store = await createEventStore(fixture.bus);
    const versions = new Map<string, number>();
    const expected = new Map<string, { type: string; json: JsonObject; subject: string }>();
    for (const { key, json } of written) {
      const type = String(json["type"]);
      const version = Number(json["version"]);
      const contract = sdk.registry.get(type, version);
      if (contract === undefined) throw new Error(`${key}: no contract`);
      const latest = sdk.registry.upcast(structuredClone(json), type, version);
      expected.set(String(json["id"]), { type, json: latest, subject: subjectOf(contract, json) });
      const event = contract.create(json) as EventInstance;
      const aggregateType = String(json["aggregateType"]);
      if (!eventSourced.has(aggregateType)) {
        await fixture.bus.publish(event);
        continue;
      }
      const aggregate = `${aggregateType}/${String(json["aggregateId"])}`;
      const at = versions.get(aggregate) ?? 0;
      await store.append({ aggregateType, aggregateId: String(json["aggregateId"]) }, [event], { expectedVersion: at });
      versions.set(aggregate, at + 1);
    }
    expect(expected.size).toBe(written.length);
    expect(new Set([...expected.values()].map((entry) => entry.type)).size).toBe(sdk.registry.types().length);
    expect(versions.size).toBeGreaterThan(0);

    const read = new Map<string, { event: EventInstance; context: HandlerContext }>();
    let all: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (all = resolve));
    const subscription = await fixture.bus.subscribe(
      ">",
      (event, context) => {
        read.set(event.id, { event, context });
        if (read.size === expected.size) all();
      },
      { durable: "every-event", concurrency: 8 },
    );
    await done;
    await fixture.bus.unsubscribe(subscription);

    const wrong: string[] = [];
    for (const [id, { type, json, subject }] of expected) {
      const got = read.get(id);
      if (got === undefined) wrong.push(`${type} ${id}: never read`);
      else if (JSON.stringify(got.event.toJSON()) !== JSON.stringify(json)) wrong.push(`${type} ${id}: read as ${JSON.stringify(got.event.toJSON())}, expected ${JSON.stringify(json)}`);
      else if (got.context.subject !== subject) wrong.push(`${type} ${id}: on subject ${got.context.subject}, expected ${subject}`);
    }
    expect(wrong).toEqual([]);
  });
});
