import { ArgumentError, consumerFilter, receiveEvent, resolveTargets, streamsOf } from "@evc/runtime";
import { durationMs, isDuration } from "../../duration.js";
import { busOptions, connectBus, positiveIntegerArgument, requireStreams, type BusFlags } from "../bus.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { reportFailure } from "../report.js";
import { Reporter } from "../output.js";
import { didYouMean } from "../suggest.js";

interface TailFlags extends BusFlags {
  count?: string;
  json?: boolean;
  fromStart?: boolean;
  since?: string;
}

/** Where the consumers start: every stored event, those stored since a time, or new ones. */
type TailStart = { readonly deliver_policy: "all" | "new" } | { readonly opt_start_time: string };

/** Read `--from-start` and `--since <time|duration>` (an ISO 8601 time, or a duration back from `now`); throws `ArgumentError` naming the flag. */
function tailStart(flags: Pick<TailFlags, "fromStart" | "since">, now: number): TailStart {
  if (flags.since === undefined) return { deliver_policy: flags.fromStart === true ? "all" : "new" };
  if (flags.fromStart === true) throw new ArgumentError("since", "either --since or --from-start, not both");
  const time = isDuration(flags.since) ? now - durationMs(flags.since) : /^\d{4}-\d{2}-\d{2}/.test(flags.since) ? Date.parse(flags.since) : Number.NaN;
  if (Number.isNaN(time)) throw new ArgumentError("since", `an ISO 8601 time (2026-12-03T09:00:00Z) or a duration back from now (30s, 15m, 2h, 7d), not "${flags.since}"`);
  return { opt_start_time: new Date(time).toISOString() };
}

/**
 * `evc tail <type|pattern>`: print events as they arrive (or from the start of their streams, or
 * since a time), decoded, validated and upcast to the latest version; messages that fail are
 * reported on stderr and skipped. Uses ordered consumers, so it leaves no durable consumer behind.
 */
export const tailCommand: CommandRegistration = (command, io, done) => {
  busOptions(
    command
      .argument("<pattern>", "an event type or a pattern with NATS wildcards over types (task.*, *.created, >)")
      .option("--count <n>", "stop after n events")
      .option("--from-start", "start from the oldest stored event instead of new ones")
      .option("--since <when>", "start from the events stored since a time (2026-12-03T09:00:00Z) or for a duration back from now (15m, 2h, 7d)")
      .option("--json", "print one JSON event per line"),
  ).action(async (pattern: string, flags: TailFlags) => {
    try {
      const count = flags.count === undefined ? Number.POSITIVE_INFINITY : positiveIntegerArgument("count", flags.count);
      const start = tailStart(flags, Date.now());
      const bus = await connectBus(flags, io, false);
      try {
        // A plain name that is no type gets a "did you mean" (a pattern with wildcards gets the runtime's word).
        if (!/[*>]/.test(pattern) && bus.registry.versions(pattern).length === 0) {
          throw new ArgumentError("pattern", `an event type or a pattern matching one, but "${pattern}" is no type of the registry${didYouMean(pattern, bus.registry.types())}`);
        }
        const targets = resolveTargets(bus.registry, pattern, undefined);
        const streams = streamsOf(bus.registry, targets);
        await requireStreams(bus, [...streams.keys()].map((spec) => spec.name));
        let printed = 0;
        const iterators: { stop(): void }[] = [];
        const enough = () => {
          if (printed >= count) for (const iterator of iterators) iterator.stop();
        };
        const all = [...streams].map(async ([spec, contracts]) => {
          const consumer = await bus.jetstream.consumers.get(spec.name, { ...start, ...consumerFilter(contracts, bus.server) });
          const messages = await consumer.consume();
          iterators.push(messages);
          enough();
          for await (const message of messages) {
            if (printed >= count) break;
            try {
              const received = receiveEvent(bus.registry, targets, message.subject, message.headers, message.data);
              if (received === undefined) continue;
              printed++;
              const event = received.event as { toJSON(): object };
              io.stdout(
                flags.json === true
                  ? `${JSON.stringify(event)}\n`
                  : `${spec.name} #${message.info.streamSequence} ${message.subject} ${received.contract.type} v${received.contract.version}${received.receivedVersion === received.contract.version ? "" : ` (from v${received.receivedVersion})`} ${JSON.stringify(event)}\n`,
              );
            } catch (error) {
              io.stderr(`skipped ${spec.name} #${message.info.streamSequence} on ${message.subject}: ${(error as Error).message}\n`);
            }
            enough();
          }
        });
        await Promise.race([Promise.all(all), bus.connection.closed()]);
      } finally {
        await bus.close();
      }
      done(ExitCode.ok);
    } catch (error) {
      done(reportFailure(new Reporter(io, "tail", "text"), error, "tail stopped"));
    }
  });
};
