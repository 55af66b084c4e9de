/**
 * A service announces its dead letters as events of its own, as Integr8sCode's DLQ manager does
 * with `dlq_message_received`: the `dead_lettered` notification carries the dead letter as stored,
 * which is all the announcement needs (the recipe of docs/runtime.md).
 */
import { describe, expect, test } from "vitest";
import { DlqMessageReceived, registry, UserLoggedOut, type DlqMessageReceivedV1, type Integr8sEventType } from "@evc/seeds";
import { PermanentFailure } from "@evc/runtime";
import { createMemoryBus } from "@evc/runtime/memory";

describe("dead letters announced as events", () => {
  test("a dead_lettered notification holds what dlq_message_received needs, and the announcement validates", async () => {
    const bus = createMemoryBus({ registry, service: "dlq-manager" });
    const subscription = await bus.subscribe(UserLoggedOut, () => {
      throw new PermanentFailure("the session store refused the logout", { category: "invalid-input" });
    });
    const announced: DlqMessageReceivedV1[] = [];
    await bus.subscribe(DlqMessageReceived, (event) => void announced.push(event));
    const announcing = (async () => {
      for await (const note of subscription.status()) {
        if (note.type !== "dead_lettered" || note.letter.type === undefined) continue;
        const { letter } = note;
        await bus.publish(bus.create(DlqMessageReceived, {
          aggregateId: letter.eventId ?? `${letter.deadLetterStream}-${letter.seq}`,
          metadata: { source: "dlq-manager" },
          data: { dlq_event_id: letter.eventId ?? "", original_topic: letter.subject, original_event_type: letter.type as Integr8sEventType, error: letter.reason, retry_count: letter.deliveries, producer_id: letter.consumer, failed_at: letter.time },
        }));
        return;
      }
    })();
    const logout = bus.create(UserLoggedOut, { aggregateId: "user-7", metadata: { source: "auth" }, data: { user_id: "user-7", logout_reason: "user" } });
    await bus.publish(logout);
    await announcing;
    await bus.settled();
    const [stored] = await bus.listDeadLetters("INTEGR8SCODE_DLQ");
    expect(stored).toBeDefined();
    expect(announced).toHaveLength(1);
    expect(announced[0]?.aggregateId).toBe(logout.id);
    expect(announced[0]?.data).toEqual({
      dlq_event_id: logout.id,
      original_topic: stored?.subject,
      original_event_type: "user_logged_out",
      error: "the session store refused the logout",
      retry_count: 1,
      producer_id: subscription.options.durable,
      failed_at: stored?.time,
    });
    await bus.close();
  });
});
