/** `@evc/runtime/store`: the event store on JetStream, with optimistic concurrency, snapshots, aggregates and repositories. */
export { StoreHeader, StoredEventError } from "./stored-event.js";
export type { StoredEvent } from "./stored-event.js";
export { AggregateLayoutError } from "./aggregate-subject.js";
export type { AggregateRef, AggregateSubject } from "./aggregate-subject.js";
export { Aggregate, defineAggregate, Repository } from "./aggregate.js";
export type { AggregateDefinition, RecordableEvent, SaveResult } from "./aggregate.js";
export {
  AggregateHistoryError,
  ConcurrencyError,
  createEventStore,
  defaultEventStoreOptions,
  EventStore,
  PartialAppendError,
} from "./event-store.js";
export type { AppendableEvent, AppendOptions, AppendResult, EventStoreOptions, LoadedEvents, LoadOptions, RecordedEvent } from "./event-store.js";
export type { Snapshot } from "./snapshots.js";

