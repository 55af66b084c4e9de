import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, headers as natsHeaders } from "@nats-io/transport-node";
import { describe, expect, test } from "vitest";
import { HeaderView, messageHeaders } from "../headers.js";
import { startNatsServer } from "../testing.js";

describe("runtime - reading received headers", () => {
  test("a received message's headers are read from its raw block, exactly as NATS.js decodes them", async () => {
    await using server = await startNatsServer();
    const nc = await connect({ servers: server.url });
    try {
      const jsm = await jetstreamManager(nc);
      await jsm.streams.add({ name: "HEADERS", subjects: ["headers.>"] });
      const sent = natsHeaders();
      sent.append("ce-type", "record-created");
      sent.append("ce-correlationid", "a%20b%3Ac");
      sent.append("x-repeated", "first");
      sent.append("x-repeated", "second");
      sent.append("x-colon", "a: b: c");
      sent.append("X-Case", "upper");
      await jetstream(nc).publish("headers.one", "{}", { headers: sent, msgID: "id-1" });
      await jsm.consumers.add("HEADERS", { durable_name: "reader", ack_policy: AckPolicy.Explicit });
      const message = await (await jetstream(nc).consumers.get("HEADERS", "reader")).next();
      if (message === null) throw new Error("no message");

      const view = messageHeaders(message);
      expect(view).toBeInstanceOf(HeaderView);
      const decoded = message.headers;
      expect(view?.keys()).toEqual(decoded?.keys());
      for (const name of decoded?.keys() ?? []) expect(view?.get(name)).toBe(decoded?.get(name));
      expect(view?.get("x-repeated")).toBe("first");
      expect(view?.get("x-case")).toBe("");
      expect(view?.get("absent")).toBe("");
    } finally {
      await nc.close();
    }
  });
});
