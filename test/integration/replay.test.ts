import { randomUUID } from "node:crypto";
import { describe, expect, test } from "vitest";
import * as sdk from "@evc/seeds";
import { listDeadLetters, replayDeadLetter, type HandlerContext } from "@evc/runtime";
import { useBus } from "../helpers/bus.js";
import { until } from "../helpers/until.js";

const fixture = useBus({ reset: false });

describe("dead letters - replay reaches only the consumer that dead-lettered the event", () => {
  test("two services on one type: the one whose handler failed handles the replay, the other never gets the event again", async () => {
    const tableId = `tbl-${randomUUID().slice(0, 8)}`;
    const event = fixture.bus.create(sdk.RecordCreated, { aggregateId: tableId, data: { tableId, recordId: "r-1", fields: {}, createdBy: "ada" } });
    let billingDown = true;
    const billing: { id: string; subject: string; stream: string }[] = [];
    const shipping: string[] = [];
    const billingSubscription = await fixture.bus.subscribe(
      sdk.RecordCreated,
      (received, context: HandlerContext) => {
        if (received.aggregateId !== tableId) return;
        if (billingDown) throw new Error("billing is down");
        billing.push({ id: received.id, subject: context.subject, stream: context.stream });
      },
      { durable: "billing-records", maxDeliver: 2, backoffMs: [10] },
    );
    const shippingSubscription = await fixture.bus.subscribe(sdk.RecordCreated, (received) => void (received.aggregateId === tableId && shipping.push(received.id)), { durable: "shipping-records" });
    const deadLettered = (async () => {
      for await (const notification of billingSubscription.status()) if (notification.type === "dead_lettered") return notification;
      throw new Error("the subscription ended before the dead letter");
    })();
    try {
      await fixture.bus.publish(event);
      expect(await deadLettered).toMatchObject({ reason: "billing is down", deliveryCount: 2 });
      await until(() => shipping.length === 1, "shipping to handle the event");

      billingDown = false;
      const letter = (await listDeadLetters(fixture.bus.manager, "LATECHFORCE_DLQ", 100)).find((candidate) => candidate.eventId === event.id);
      expect(letter).toMatchObject({ consumer: "billing-records", subject: `latechforce.table.${tableId}` });
      const replayed = await replayDeadLetter(fixture.bus, "LATECHFORCE_DLQ", letter?.seq as number);
      expect(replayed).toMatchObject({ consumer: "billing-records", stream: "LATECHFORCE_DLQ_REPLAY" });
      await until(() => billing.length === 1, "billing to handle the replayed event");
      expect(billing).toEqual([{ id: event.id, subject: `latechforce.table.${tableId}`, stream: "LATECHFORCE_DLQ_REPLAY" }]);

      // The event is stored once, and nothing waits for shipping: neither on the stream nor on its replay subject.
      const stream = await fixture.bus.manager.streams.info("LATECHFORCE", { subjects_filter: `latechforce.table.${tableId}` });
      expect(stream.state.subjects).toEqual({ [`latechforce.table.${tableId}`]: 1 });
      for (const name of ["LATECHFORCE", "LATECHFORCE_DLQ_REPLAY"]) {
        const consumer = await fixture.bus.manager.consumers.info(name, "shipping-records");
        expect({ name, pending: consumer.num_pending, unacknowledged: consumer.num_ack_pending }).toEqual({ name, pending: 0, unacknowledged: 0 });
      }
      expect((await fixture.bus.manager.consumers.info("LATECHFORCE_DLQ_REPLAY", "shipping-records")).delivered.stream_seq).toBe(0);
      expect(shipping).toEqual([event.id]);
    } finally {
      await fixture.bus.unsubscribe(billingSubscription, { removeConsumers: true });
      await fixture.bus.unsubscribe(shippingSubscription, { removeConsumers: true });
    }
  });
});
