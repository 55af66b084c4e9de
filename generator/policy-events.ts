/**
 * The event types a dead-letter policy names must be on its stream: a category whose `events`
 * match nothing there (a typo, an event moved to another stream) would silently apply to nothing.
 */
import type { StreamSpec } from "@evc/runtime";
import { matchesPattern } from "@evc/runtime/subjects";
import type { DiagnosticSink, SourceLocation } from "./diagnostics.js";
import type { EventModel } from "./model.js";

/** Report each policy event pattern that matches no event type on its stream, at the pattern (`locate` takes a pointer below `x-evc-jetstream`). */
export function checkPolicyEvents(streams: readonly StreamSpec[], events: readonly Pick<EventModel, "type" | "stream">[], locate: (pointer: string) => SourceLocation, sink: DiagnosticSink): void {
  for (const stream of streams) {
    const types = [...new Set(events.filter((event) => event.stream === stream.name).map((event) => event.type))];
    for (const policy of stream.deadLetter.policies ?? []) {
      policy.events.forEach((pattern, index) => {
        if (types.some((type) => matchesPattern(type, pattern))) return;
        sink.error(
          "evc-policy-unknown-event",
          `dead-letter policy "${policy.category}" of stream ${stream.name} names "${pattern}", which matches no event type on the stream`,
          locate(`/streams/${stream.name}/deadLetter/policies/${policy.category}/events/${index}`),
        );
      });
    }
  }
}
