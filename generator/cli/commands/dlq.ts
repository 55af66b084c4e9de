import type { Command } from "commander";
import { ArgumentError, type DeadLetter, decodeHeaderValue, type EventBus, listDeadLetters, readDeadLetter, replayDeadLetter } from "@evc/runtime";
import { busOptions, connectBus, positiveIntegerArgument, requireStreams, type BusFlags } from "../bus.js";
import { ExitCode, type CliIO, type CommandRegistration, type ExitCodeValue } from "../io.js";
import { reportFailure } from "../report.js";
import { Reporter, listingJson } from "../output.js";
import { counted } from "../../wording.js";

interface DlqFlags extends BusFlags {
  stream?: string;
  limit: string;
  json?: boolean;
  all?: boolean;
}

/** `evc dlq list|show|replay`: what consumers could not handle, why, and sending it back. */
export const dlqCommand: CommandRegistration = (dlq, io, done) => {
  const withStream = (command: Command) => busOptions(command.option("--stream <name>", "the dead-letter stream (default: every one, or the only one)"));

  withStream(dlq.command("list").description("list dead letters, oldest first").option("--limit <n>", "at most n per stream", "100").option("--json", "print JSON")).action(
    (flags: DlqFlags) =>
      run(io, done, flags, async (bus) => {
        const limit = positiveIntegerArgument("limit", flags.limit);
        const streams = streamsOf(bus, flags);
        await requireStreams(bus, streams);
        const letters = (await Promise.all(streams.map((stream) => listDeadLetters(bus.manager, stream, limit)))).flat();
        if (flags.json === true) io.stdout(listingJson("dlq list", counted(letters.length, "dead letter"), letters.map(summary)));
        else if (letters.length === 0) io.stdout("no dead letters\n");
        else for (const letter of letters) io.stdout(`${letter.deadLetterStream} #${letter.seq} ${letter.time} ${letter.type ?? "?"} v${letter.version ?? "?"} ${letter.subject} consumer=${letter.consumer} deliveries=${letter.deliveries}${letter.category === undefined ? "" : ` category=${letter.category}`}${letter.poison ? " poison" : ""}: ${letter.reason}\n`);
      }),
  );

  withStream(dlq.command("show").description("show one dead letter, headers and payload").argument("<seq>", "its sequence in the dead-letter stream").option("--json", "print JSON")).action(
    (seq: string, flags: DlqFlags) =>
      run(io, done, flags, async (bus) => {
        const stream = oneStream(bus, flags);
        await requireStreams(bus, [stream]);
        const letter = await readDeadLetter(bus.manager, stream, positiveIntegerArgument("seq", seq));
        if (letter === undefined) throw new ArgumentError("seq", `a sequence of "${stream}", but it has no message at ${seq}`);
        const payload = new TextDecoder().decode(letter.payload);
        if (flags.json === true) {
          io.stdout(`${JSON.stringify({ ...summary(letter), headers: Object.fromEntries([...letter.headers].map(([name, values]) => [name, values.join(", ")])), payload })}\n`);
          return;
        }
        io.stdout(`${letter.deadLetterStream} #${letter.seq}: ${letter.type ?? "?"} v${letter.version ?? "?"} from ${letter.stream} #${letter.streamSeq} on ${letter.subject}\n`);
        io.stdout(`reason: ${letter.error}: ${letter.reason}\nconsumer: ${letter.consumer}, deliveries: ${letter.deliveries}${letter.category === undefined ? "" : `, category: ${letter.category}`}${letter.poison ? " (poison: never retried)" : ""}, at ${letter.time}\n`);
        // Values as they read, not as the wire carries them (percent-encoded, as the CloudEvents binding asks).
        for (const [name, values] of letter.headers) io.stdout(`  ${name}: ${values.map(decodeHeaderValue).join(", ")}\n`);
        io.stdout(`${payload}\n`);
      }),
  );

  withStream(
    dlq
      .command("replay")
      .description("send dead letters back to the consumer that dead-lettered each (and to no other), and remove them from the dead-letter stream")
      .argument("[seq...]", "sequences in the dead-letter stream")
      .option("--all", "replay every dead letter of the stream")
      .option("--limit <n>", "with --all: at most n", "1000"),
  ).action((seqs: string[], flags: DlqFlags) =>
    run(io, done, flags, async (bus) => {
      const stream = oneStream(bus, flags);
      await requireStreams(bus, [stream]);
      if (seqs.length === 0 && flags.all !== true) throw new ArgumentError("seq", "one or more sequences, or --all");
      const chosen = flags.all === true ? (await listDeadLetters(bus.manager, stream, positiveIntegerArgument("limit", flags.limit))).map((letter) => letter.seq) : seqs.map((seq) => positiveIntegerArgument("seq", seq));
      for (const seq of chosen) {
        const replayed = await replayDeadLetter(bus, stream, seq);
        io.stdout(`replayed ${stream} #${seq} to consumer ${replayed.consumer} as ${replayed.stream} #${replayed.seq}\n`);
      }
    }),
  );
};

async function run(io: CliIO, done: (code: ExitCodeValue) => void, flags: DlqFlags, body: (bus: EventBus) => Promise<void>): Promise<void> {
  try {
    const bus = await connectBus(flags, io, false);
    try {
      await body(bus);
    } finally {
      await bus.close();
    }
    done(ExitCode.ok);
  } catch (error) {
    done(reportFailure(new Reporter(io, "dlq", "text"), error, "nothing changed"));
  }
}

function streamsOf(bus: EventBus, flags: DlqFlags): string[] {
  const all = bus.registry.topology.streams.map((stream) => stream.deadLetter.stream);
  if (flags.stream === undefined) return all;
  if (!all.includes(flags.stream)) throw new ArgumentError("stream", `one of ${all.join(", ")}, not "${flags.stream}"`);
  return [flags.stream];
}

function oneStream(bus: EventBus, flags: DlqFlags): string {
  const streams = streamsOf(bus, flags);
  if (streams.length !== 1) throw new ArgumentError("stream", `one dead-letter stream (--stream ${streams.join(" | ")})`);
  return streams[0] as string;
}

function summary(letter: DeadLetter) {
  const { headers: _headers, payload: _payload, ...rest } = letter;
  return rest;
}
