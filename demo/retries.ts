/**
 * Retries and dead letters (seeds 001 and 002): a handler that fails on one event is retried with
 * backoff up to the delivery limit, then the event goes to the dead-letter stream with why; once
 * the cause is fixed, replaying the dead letter brings it back and it is handled.
 */
import { ConnectionEstablished, ConnectionEstablishedV1 } from "@evc/seeds";
import { replayDeadLetter } from "@evc/runtime";
import { within, type DemoScope } from "./scope.js";

/** Fail one event until it is dead-lettered, then replay it; returns the deliveries it took. */
export async function runRetriesAndDeadLetters(scope: DemoScope): Promise<number> {
  const { bus, log, runId } = scope;
  const connectionId = `crm-${runId}`;
  let broken = true;
  let handled: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (handled = resolve));
  const subscription = await scope.on(
    ConnectionEstablished,
    "usage-tracker",
    (event, context) => {
      if (event.data.connectionId !== connectionId) return;
      if (broken) {
        log(`  delivery ${context.deliveryCount}: usage tracker fails (quota service down)`);
        throw new Error("quota service unavailable");
      }
      log(`  delivery ${context.deliveryCount} after replay: handled`);
      handled();
    },
    { maxDeliver: 3, backoffMs: [100, 200] },
  );
  const deadLettered = (async () => {
    for await (const notice of subscription.status()) if (notice.type === "dead_lettered") return notice;
    throw new Error("demo: the subscription ended before the event was dead-lettered");
  })();

  const event = bus.create(ConnectionEstablished, {
    aggregateId: connectionId,
    metadata: { correlationId: connectionId, source: "latechforce-connections" },
    data: { connectionId, service: "salesforce", userId: "user-ada" },
  });
  await bus.publish(event);
  const notice = await within(deadLettered, "the dead letter");
  log(`  dead-lettered after ${notice.deliveryCount} deliveries: ${notice.reason}`);

  const spec = bus.registry.stream(ConnectionEstablishedV1.contract.stream ?? "");
  if (spec === undefined) throw new Error('demo: "connection-established" is on no declared stream');
  const letter = await bus.manager.streams.getMessage(spec.deadLetter.stream, { last_by_subj: `${spec.deadLetter.subjectPrefix}.${notice.subject}` });
  if (letter === null) throw new Error(`demo: the dead letter of ${event.id} is not in ${spec.deadLetter.stream}`);
  broken = false;
  log(`  quota service back; replaying ${spec.deadLetter.stream} #${letter.seq}`);
  const replayed = await replayDeadLetter(bus, spec.deadLetter.stream, letter.seq);
  log(`  replayed to consumer ${replayed.consumer} only, as ${replayed.stream} #${replayed.seq}`);
  await within(done, "the replayed event");
  return notice.deliveryCount;
}
