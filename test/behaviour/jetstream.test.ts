import { setTimeout as sleep } from "node:timers/promises";
import { listDeadLetters, replayDeadLetter } from "@evc/runtime";
import { useBus } from "../helpers/bus.js";
import { until } from "../helpers/until.js";
import { describeBusBehaviour } from "./bus-behaviour.js";

const fixture = useBus({ reset: true });

describeBusBehaviour("JetStream", async () => ({
  bus: fixture.bus,
  eventually: (condition, what) => until(condition, what),
  idle: () => sleep(200),
  deadLetters: (stream) => listDeadLetters(fixture.bus.manager, stream, 100),
  replay: (stream, seq) => replayDeadLetter(fixture.bus, stream, seq),
  publishRaw: async (subject, headers, body) => {
    await fixture.bus.jetstream.publish(subject, body, { headers });
  },
  close: async () => undefined,
}));
