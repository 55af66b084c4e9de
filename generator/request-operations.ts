/**
 * The request/reply operations the SDK's registry declares, each as `<Operation>Operation`: those
 * that send one event type and expect a reply (AsyncAPI 3 `reply`) whose messages are events of the
 * same system; operations that send several types, or whose replies are not events, are left out.
 * The rules and the registry's writer read them from here, so the names checked are those written.
 */
import { formatLocation, type DiagnosticSink } from "./diagnostics.js";
import type { DocumentLocator, EventModel } from "./model.js";
import { typeName, unionName } from "./naming.js";

/** A request/reply operation of the specs: the one event type it sends and the event types that answer. */
export interface RequestOperationModel {
  /** The operation's key in its document (`getUser`). */
  readonly id: string;
  /** Its name in the registry: `GetUserOperation`. */
  readonly name: string;
  readonly request: EventModel;
  readonly replies: readonly EventModel[];
}

/** The request/reply operations of the events' specs, by id (then system), each with the latest versions of its types. */
export function requestOperations(events: readonly EventModel[]): RequestOperationModel[] {
  const found = new Map<string, { id: string; system: string; requests: EventModel[]; replyMessages: ReadonlySet<string> }>();
  for (const event of events) {
    for (const operation of event.operations) {
      if (operation.action !== "send" || operation.replyMessages.length === 0) continue;
      const key = JSON.stringify([operation.id, event.system]);
      const entry = found.get(key) ?? { id: operation.id, system: event.system, requests: [], replyMessages: new Set(operation.replyMessages) };
      entry.requests.push(event);
      found.set(key, entry);
    }
  }
  const latest = (type: string) => events.filter((event) => event.type === type).at(-1) as EventModel;
  const operations: RequestOperationModel[] = [];
  const order = (a: { id: string; system: string }, b: { id: string; system: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.system < b.system ? -1 : a.system > b.system ? 1 : 0);
  for (const entry of [...found.values()].sort(order)) {
    const requestTypes = new Set(entry.requests.map((event) => event.type));
    const replyTypes = [...new Set(events.filter((event) => event.system === entry.system && entry.replyMessages.has(event.messageId)).map((event) => event.type))].sort();
    if (requestTypes.size !== 1 || replyTypes.length === 0) continue;
    operations.push({ id: entry.id, name: `${typeName(entry.id, "Request")}Operation`, request: latest([...requestTypes][0] as string), replies: replyTypes.map(latest) });
  }
  return operations;
}

/**
 * Two request/reply operations may not take one name in the registry (`getUser` and `get-user`, or one
 * id in two systems), nor an event type's handle (`GetUserOperation` of type `get-user.operation`):
 * one of them was left out. Reported where the operation is written (`locate`), else at its request's message.
 */
export function checkOperationNames(events: readonly EventModel[], sink: DiagnosticSink, locate?: DocumentLocator): void {
  const handles = new Map(events.map((event) => [unionName(event.type), event.type]));
  const where = (operation: RequestOperationModel) => locate?.(operation.request, ["operations", operation.id]) ?? operation.request.location;
  const first = new Map<string, RequestOperationModel>();
  for (const operation of requestOperations(events)) {
    const type = handles.get(operation.name);
    if (type !== undefined) sink.error("evc-name-collision", `operation "${operation.id}" would generate ${operation.name}, the handle of type "${type}"; rename the operation`, where(operation));
    const earlier = first.get(operation.name);
    if (earlier === undefined) first.set(operation.name, operation);
    else sink.error("evc-name-collision", `operations "${operation.id}" and "${earlier.id}" (at ${formatLocation(where(earlier))}) would both generate ${operation.name}; rename one of the operations`, where(operation));
  }
}
