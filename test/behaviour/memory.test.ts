import { randomUUID } from "node:crypto";
import { registry } from "@evc/seeds";
import { createMemoryBus } from "@evc/runtime/memory";
import { describeBusBehaviour } from "./bus-behaviour.js";

describeBusBehaviour("in memory", async () => {
  const bus = createMemoryBus({ registry, service: "evc-test" });
  return {
    bus,
    eventually: async (condition, what) => {
      await bus.settled();
      if (!condition()) throw new Error(`the in-memory bus settled without ${what}`);
    },
    idle: () => bus.settled(),
    deadLetters: (stream) => bus.listDeadLetters(stream),
    replay: (stream, seq) => bus.replayDeadLetter(stream, seq),
    publishRaw: async (subject, headers, body) => {
      bus.broker.publish(subject, headers, body, randomUUID());
    },
    close: () => bus.close(),
  };
});
