import { isPlainObject } from "@evc/runtime/codegen";
import { ArgumentError, UnknownEventError } from "@evc/runtime/errors";
import { busOptions, connectBus, positiveIntegerArgument, readJsonArgument, type BusFlags } from "../bus.js";
import { ExitCode, type CommandRegistration } from "../io.js";
import { reportFailure } from "../report.js";
import { Reporter } from "../output.js";
import { didYouMean } from "../suggest.js";

interface PublishFlags extends BusFlags {
  version?: string;
  data: string;
  aggregateId?: string;
  metadata?: string;
  json?: boolean;
}

/**
 * `evc publish <type> --data <json|@file>`: validate and publish one event. `--data` is the event's
 * `data` (with `--aggregate-id`), or a whole event; id, time and metadata are filled in when missing.
 */
export const publishCommand: CommandRegistration = (command, io, done) => {
  busOptions(
    command
      .argument("<type>", "the event type, e.g. record-created")
      .requiredOption("--data <json|@file>", "the event's data, or the whole event")
      .option("--version <n>", "the version (default: the latest)")
      .option("--aggregate-id <id>", "the aggregate, when --data is the event's data")
      .option("--metadata <json|@file>", "the event's metadata")
      .option("--json", "print the ack as JSON"),
  ).action(async (type: string, flags: PublishFlags) => {
    try {
      const version = flags.version === undefined ? undefined : positiveIntegerArgument("version", flags.version);
      const data = await readJsonArgument("data", flags.data, io.cwd);
      const metadata = flags.metadata === undefined ? undefined : await readJsonArgument("metadata", flags.metadata, io.cwd);
      const whole = isPlainObject(data) && "data" in data && "aggregateId" in data ? data : undefined;
      const aggregateId = whole?.["aggregateId"] ?? flags.aggregateId;
      const bus = await connectBus(flags, io, true);
      try {
        const known = bus.registry.versions(type).map((contract) => contract.version);
        if (known.length === 0) throw new ArgumentError("type", `an event type of the registry, but "${type}" is none${didYouMean(type, bus.registry.types())}`);
        if (version !== undefined && !known.includes(version)) throw new UnknownEventError(type, version, known);
        if (typeof aggregateId !== "string") {
          const given = aggregateId === undefined ? "none was given" : `the event's aggregateId is ${JSON.stringify(aggregateId)}, not a string`;
          throw new ArgumentError("aggregate-id", `the id of the event's aggregate, but ${given}: give --aggregate-id <id> when --data is the event's data, or give the whole event (with its aggregateId) as --data`);
        }
        const fields = { ...(whole ?? {}), aggregateId, data: whole === undefined ? data : whole["data"], ...(metadata === undefined ? {} : { metadata: metadata as object }), ...(version === undefined ? {} : { version }) };
        const event = bus.create(type, fields);
        const ack = await bus.publish(event);
        io.stdout(flags.json === true ? `${JSON.stringify(ack)}\n` : `published ${ack.type} v${ack.version} ${ack.id} on ${ack.subject}: ${ack.stream} #${ack.seq}${ack.duplicate ? " (duplicate, not stored again)" : ""}\n`);
      } finally {
        await bus.close();
      }
      done(ExitCode.ok);
    } catch (error) {
      done(reportFailure(new Reporter(io, "publish", "text"), error, "nothing published"));
    }
  });
};
