import { randomUUID } from "node:crypto";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { setTimeout as sleep } from "node:timers/promises";
import { beforeAll, describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { ArgumentError, EventHistory, parseServerVersion, type EventInstance } from "@evc/runtime";
import { StoredEventError, type StoredEvent } from "@evc/runtime/store";
import { jetStreamMessages, type RawMessage, type ReadRange } from "../../runtime/stream-reader.js";
import { useBus } from "../helpers/bus.js";

const fixture = useBus({ reset: true });
let history: EventHistory<sdk.LatestEvents>;

beforeAll(async () => {
  history = new EventHistory(fixture.bus);
});

const envelope = (jobId: string) => ({ id: randomUUID(), aggregateId: jobId, timestamp: new Date().toISOString(), metadata: { correlationId: jobId } });
const completed = (jobId: string) => new sdk.CodegenCompletedV1({ ...envelope(jobId), data: { jobId, graphId: "graph-1", processingTime: 10, manifests: [] } });
const progressV1 = (jobId: string, percent: number) => new sdk.CodegenProgressV1({ ...envelope(jobId), data: { jobId, step: "LLM_CALL", progress: percent, message: "thinking" } });
const planned = (jobId: string) => new sdk.PlanCompletedV1({ ...envelope(jobId), data: { jobId, plan: { summary: "s", resources: [] }, processingTime: 10 } });
const recordCreated = (tableId: string) => new sdk.RecordCreatedV2({ ...envelope(tableId), data: { tableId, recordId: randomUUID(), fields: {}, createdBy: "ada" } });

/** Publish, in order: for each of `jobs` jobs, `progressPerJob` progress events then one completion. */
async function publishJobs(jobs: number, progressPerJob: number): Promise<string[]> {
  const completions: string[] = [];
  for (let job = 0; job < jobs; job++) {
    const jobId = `job-${job}`;
    await fixture.bus.publishBatch(Array.from({ length: progressPerJob }, (_, step) => progressV1(jobId, step)));
    const event = completed(jobId);
    await fixture.bus.publish(event);
    completions.push(event.id);
  }
  return completions;
}

const ids = (events: readonly StoredEvent<unknown>[]) => events.map((stored) => (stored.event as { id: string }).id);

async function consumerCount(stream: string): Promise<number> {
  let count = 0;
  for await (const _ of fixture.bus.manager.consumers.list(stream)) count++;
  return count;
}

describe("history - getEventHistory", () => {
  test("returns the last n events of a type, oldest first, reading back past other types of the same channel", async () => {
    const completions = await publishJobs(30, 12);
    const last = await history.getEventHistory(sdk.CodegenCompleted, 10);
    expect(ids(last)).toEqual(completions.slice(-10));
    expect(last.map((stored) => stored.seq)).toEqual([...last.map((stored) => stored.seq)].sort((a, b) => a - b));
    expect(last.every((stored) => stored.event instanceof sdk.CodegenCompletedV1 && stored.stream === "KUBEGRAM")).toBe(true);
    expect(ids(await history.getEventHistory("codegen.completed", 500))).toEqual(completions);
    expect(await history.getEventHistory("plan.completed", 5)).toEqual([]);
    expect(await consumerCount("KUBEGRAM")).toBe(0);
  });

  test("upcasts what it returns: codegen.progress stored as v1 comes back as v2", async () => {
    await publishJobs(1, 5);
    const progress = await history.getEventHistory("codegen.progress", 3);
    expect(progress.map((stored) => [stored.storedVersion, stored.event.version, stored.event.data.fraction])).toEqual([
      [1, 2, 0.02],
      [1, 2, 0.03],
      [1, 2, 0.04],
    ]);
  });

  test("a pattern spanning streams returns the newest across them, ordered by storage time", async () => {
    await fixture.bus.publish(recordCreated("tbl-1"));
    await sleep(5);
    const job = completed("job-x");
    await fixture.bus.publish(job);
    await sleep(5);
    const table = recordCreated("tbl-2");
    await fixture.bus.publish(table);
    const newest = await history.getEventHistory(">", 2);
    expect(ids(newest)).toEqual([job.id, table.id]);
    expect(newest.map((stored) => stored.stream)).toEqual(["KUBEGRAM", "LATECHFORCE"]);
    await expect(history.getEventHistory("codegen.completed", 0)).rejects.toThrowError(ArgumentError);
    // @ts-expect-error -- a type name that names no type does not compile, and is refused at run time
    await expect(history.getEventHistory("no.such.type", 1)).rejects.toThrowError(ArgumentError);
    // A query names only what it was given, and lists the aggregate types there are.
    // @ts-expect-error -- nor does an aggregate type no event has
    const misspelt = history.query({ aggregateType: "tsak" });
    await expect(misspelt).rejects.toThrowError(/no type matches aggregate type "tsak" \(the aggregate types: .*"task".*\)$/);
    await expect(misspelt).rejects.not.toThrowError(/type pattern/);
  });
});

describe("history - replay", () => {
  test("replays from a stream sequence or from a time, up to the end when the replay started", async () => {
    const completions = await publishJobs(6, 2);
    const all: StoredEvent<sdk.KubegramEvent>[] = [];
    for await (const stored of history.replay({ type: "codegen.*" })) all.push(stored);
    expect(all).toHaveLength(18);
    expect(all.every((stored) => stored.type !== "codegen.progress" || stored.event.version === 2)).toBe(true);

    const from = all[9] as StoredEvent<unknown>;
    const fromSeq: StoredEvent[] = [];
    for await (const stored of history.replay({ type: "codegen.*", fromSeq: from.seq })) {
      fromSeq.push(stored);
      if (fromSeq.length === 1) await fixture.bus.publish(completed("job-late"));
    }
    expect(ids(fromSeq)).toEqual(ids(all.slice(9)));

    const since = (all[5] as StoredEvent<unknown>).time;
    const completionsOnly: StoredEvent[] = [];
    for await (const stored of history.replay({ type: "codegen.completed", fromTime: since })) completionsOnly.push(stored);
    const expected = all.filter((stored) => stored.type === "codegen.completed" && stored.time >= since).map((stored) => stored.event.id);
    expect(expected).toEqual(completions.slice(completions.indexOf(expected[0] as string)));
    expect(ids(completionsOnly)).toEqual([...expected, expect.any(String)]);
    expect(await consumerCount("KUBEGRAM")).toBe(0);
  });

  test("stops early without leaving a consumer, refuses a sequence for types on several streams, and reports unreadable messages", async () => {
    await publishJobs(3, 3);
    for await (const stored of history.replay({ type: "codegen.progress" })) {
      expect(stored.type).toBe("codegen.progress");
      break;
    }
    expect(await consumerCount("KUBEGRAM")).toBe(0);
    await expect(history.replay({ type: ">", fromSeq: 1 }).next()).rejects.toThrowError('"fromSeq": a sequence of one stream, but ">" spans the streams');
    await expect(history.replay({ type: ">", fromSeq: 1, fromTime: new Date() }).next()).rejects.toThrowError("either fromSeq or fromTime");

    const headers = natsHeaders();
    headers.set("ce-type", "codegen.completed");
    headers.set("ce-eventversion", "1");
    const broken = await fixture.bus.jetstream.publish("kubegram.codegen-job.job-0", "not json", { headers });
    const read = async () => {
      for await (const _ of history.replay({ type: "codegen.completed", fromSeq: broken.seq })) void _;
    };
    await expect(read()).rejects.toThrowError(StoredEventError);
    await expect(read()).rejects.toThrowError(`cannot read "KUBEGRAM" #${broken.seq} on "kubegram.codegen-job.job-0"`);
    expect(await consumerCount("KUBEGRAM")).toBe(0);
    // The last events are read without it, once newer ones are there; asked for as far back as it, it is reported.
    const newer = await publishJobs(2, 0);
    expect(ids(await history.getEventHistory("codegen.completed", 2))).toEqual(newer);
    await expect(history.getEventHistory("codegen.completed", 3)).rejects.toThrowError(`cannot read "KUBEGRAM" #${broken.seq}`);
  });
});

describe("history - several channels of one stream", () => {
  test("are read in stream order by one consumer from nats-server 2.10 on, and on 2.9 by a consumer each, merged by sequence", async () => {
    const published = [completed("job-1"), planned("job-1"), planned("job-2"), completed("job-2"), progressV1("job-3", 1), planned("job-3")];
    for (const event of published) await fixture.bus.publish(event);
    const both: ReadRange = { stream: "KUBEGRAM", filter: ["kubegram.plan-job.*", "kubegram.codegen-job.*"], start: undefined, endSeq: undefined };
    const seqs = async (messages: AsyncIterable<RawMessage>) => {
      const read: number[] = [];
      for await (const message of messages) read.push(message.seq);
      return read;
    };
    const all = [1, 2, 3, 4, 5, 6];
    // The 2.9 way whatever the server, then the server's own way (the same on 2.9).
    const old = jetStreamMessages(fixture.bus.jetstream, fixture.bus.manager, parseServerVersion("2.9.10"));
    expect(await seqs(old.read(both))).toEqual(all);
    expect(await seqs(fixture.bus.messages.read(both))).toEqual(all);
    // Filters that overlap (which 2.10 refuses for one consumer) give each message once.
    expect(await seqs(old.read({ ...both, filter: ["kubegram.codegen-job.*", "kubegram.>"] }))).toEqual(all);
    const oldHistory = new EventHistory({ registry: fixture.bus.registry, messages: old });
    expect(ids(await oldHistory.getEventHistory([sdk.CodegenCompleted, "plan.*", "codegen.progress"], 10))).toEqual(published.map((event) => event.id));
    expect(await consumerCount("KUBEGRAM")).toBe(0);
  });
});

describe("history - lists of targets", () => {
  /** Publish with a pause between, so that events of different streams are stored at different times. */
  async function publishApart(events: readonly (EventInstance & { readonly id: string })[]): Promise<string[]> {
    for (const event of events) {
      await fixture.bus.publish(event);
      await sleep(5);
    }
    return events.map((event) => event.id);
  }

  test("a list spanning streams reads the union of its targets, merged by storage time, through every read", async () => {
    const published = await publishApart([recordCreated("tbl-1"), completed("job-1"), progressV1("job-1", 1), completed("job-2"), recordCreated("tbl-2")]);
    const targets = [sdk.CodegenCompleted, "record-created"] as const;
    const expected = [published[0], published[1], published[3], published[4]];
    const last = await history.getEventHistory(targets, 10);
    expect(ids(last)).toEqual(expected);
    expect(last.map((stored) => stored.stream)).toEqual(["LATECHFORCE", "KUBEGRAM", "KUBEGRAM", "LATECHFORCE"]);
    expect(ids(await history.getEventHistory(targets, 3))).toEqual(expected.slice(1));
    expect(ids(await history.query({ type: targets }))).toEqual(expected);
    const since = (last[1] as StoredEvent<unknown>).time;
    const replayed: StoredEvent[] = [];
    for await (const stored of history.replay({ type: targets, fromTime: since })) replayed.push(stored);
    expect(ids(replayed)).toEqual(expected.slice(1));
    await expect(history.replay({ type: targets, fromSeq: 1 }).next()).rejects.toThrowError('"fromSeq": a sequence of one stream, but "codegen.completed, record-created" spans the streams');
    expect(await consumerCount("KUBEGRAM")).toBe(0);
    expect(await consumerCount("LATECHFORCE")).toBe(0);
  });
});
