/**
 * Rolling upgrades at generation time: for each version N > 1, whether readers of N-1 can read it
 * once the fields N-1 does not declare are dropped (the compatibility checker, FORWARD under the
 * lenient policy, with the `version` pin set aside since the runtime rewrites it), and whether the
 * declared downcast steps (`x-evc.downcast`) turn every example of N into a valid N-1 (a hand-written
 * downcast function is checked by the compiler, as upcast functions are). The verdict is
 * recorded in the model, and so in the generated contracts, for the runtime to follow.
 */
import { formatIssues } from "@evc/runtime/errors";
import { projectOnto } from "@evc/runtime/projection";
import { isPlainObject, stepsDowncaster, type JsonObject, type JsonValue, type UpcastStep } from "@evc/runtime/codegen";
import { checkCompatibility, type CompatibilityFinding } from "./compat/check.js";
import type { SchemaCompiler } from "./compile.js";
import type { DiagnosticSink } from "./diagnostics.js";
import { previousVersions, type EventModel } from "./model.js";

/** The events with their `readableByPrevious` verdicts; reports downcasts that fail on the examples, and downcasts on a first version. */
export function judgeDowncasts(events: readonly EventModel[], compiler: SchemaCompiler, sink: DiagnosticSink): EventModel[] {
  const previousOf = previousVersions(events);
  return events.map((event) => {
    if (event.version === 1) {
      if (event.downcast.kind !== "none") sink.error("evc-downcast-on-first", `"${event.type}" v1 declares a downcast, but there is no version before it`, event.downcast.location);
      return event;
    }
    const previous = previousOf(event);
    if (previous === undefined) return event;
    const readable = forwardReadable(previous, event) && readsExamples(event, previous, compiler, [], undefined);
    if (event.downcast.kind === "steps") readsExamples(event, previous, compiler, event.downcast.steps, sink);
    return readable === event.readableByPrevious ? event : { ...event, readableByPrevious: readable };
  });
}

/** True when nothing breaks readers of `previous` reading `event`, the `version` pin aside; a schema the checker cannot read counts as breaking. */
function forwardReadable(previous: EventModel, event: EventModel): boolean {
  try {
    const report = checkCompatibility([previous.schema], event.schema, { mode: "FORWARD", policy: "lenient", dialect: "draft-07" });
    return report.findings.every(isVersionPin);
  } catch {
    return false;
  }
}

/** A finding on the payload's `version` (its `const` pin), which differs between any two versions and which the runtime sets. */
function isVersionPin(finding: CompatibilityFinding): boolean {
  const tokens = finding.tokens.filter((token, index, all) => !(token === "allOf" || (all[index - 1] === "allOf" && /^\d+$/.test(token))));
  return tokens.length >= 2 && tokens[0] === "properties" && tokens[1] === "version";
}

/**
 * True when every example of `event`, through `steps` and the projection onto `previous`, is a
 * valid `previous`; with a sink, each one that is not is reported there.
 */
function readsExamples(event: EventModel, previous: EventModel, compiler: SchemaCompiler, steps: readonly UpcastStep[], sink: DiagnosticSink | undefined): boolean {
  const shape = stepsDowncaster(steps);
  const validate = compiler.compile(previous);
  let reads = true;
  for (const example of event.examples) {
    if (!isPlainObject(example.payload)) continue;
    const projected = projectOnto(previous.schema, shape(example.payload as JsonObject) as JsonValue) as JsonObject;
    const result = previous.envelope ? { ...projected, version: previous.version } : projected;
    if (validate(result)) continue;
    reads = false;
    sink?.error(
      "evc-downcast-invalid",
      `the downcast of "${event.type}" v${event.version} turns its example${example.name === undefined ? "" : ` "${example.name}"`} into an invalid v${previous.version}: ${formatIssues(validate.errors ?? [])}`,
      event.downcast.location,
    );
  }
  return reads;
}
