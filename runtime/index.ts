/** The runtime's public API: connect to JetStream, publish and subscribe to the events of a generated registry, store aggregates, read history, wait for responses, run sagas, relay a transactional outbox. */
export { connect, ConnectError, defaultConnectOptions, EventBus } from "./bus.js";
export type { ConnectOptions } from "./bus.js";
export { createRegistry } from "./registry.js";
export type { Registry, RegistryInput } from "./registry.js";
export { defaultDurableName, defaultSubscribeOptions, Subscription } from "./subscribe.js";
export type { EventHandler, HandlerContext, SubscribeOptions } from "./subscribe.js";
export type { SubscriptionNotification } from "./notifications.js";
export type { CircuitBreakerOptions, CircuitState } from "./circuit-breaker.js";
export { createMetrics } from "./metrics.js";
export type { ConsumeOutcome, MetricsOptions, PublishOutcome, RuntimeMetrics } from "./metrics.js";
export { PublishTimeoutError } from "./publish.js";
export type { PublishAck, Publishable, PublishResult } from "./publish.js";
export { DeadLetterHeader, listDeadLetters, readDeadLetter, replayDeadLetter } from "./dead-letter.js";
export type { DeadLetter, DeadLetterCause } from "./dead-letter.js";
export { ProvisionError, ensureTopology } from "./provision.js";
export type { ProvisionAction } from "./provision.js";
export { parseServerVersion, requireFeature, ServerFeatureError, serverFeatures, supports } from "./server-features.js";
export type { ServerFeature, ServerVersion } from "./server-features.js";
export { Header, dataSchemaOf } from "./headers.js";
export { SubjectError, matchesPattern, subjectOf } from "./subject.js";
export {
  ArgumentError,
  ContractError,
  DecodeError,
  isContractError,
  UnknownEventError,
  UpcastError,
  ValidationError,
} from "./errors.js";
export type { CompatibilityMode, EventClass, EventContract, EventInstance, JsonObject, JsonValue } from "./codegen.js";
export type { ConsumerDefaults, DeadLetterSpec, JetStreamTopology, StreamSpec } from "./topology.js";
export { EventHistory } from "./history.js";
export type { EventQuery, HistoryHost, ReplayOptions } from "./history.js";
export { StoreHeader, StoredEventError } from "./stored-event.js";
export type { StoredEvent } from "./stored-event.js";
export { AggregateLayoutError } from "./aggregate-subject.js";
export type { AggregateRef, AggregateSubject } from "./aggregate-subject.js";
export { Aggregate, Repository } from "./aggregate.js";
export type { AggregateDefinition, SaveResult } from "./aggregate.js";
export {
  AggregateHistoryError,
  ConcurrencyError,
  createEventStore,
  defaultEventStoreOptions,
  EventStore,
  PartialAppendError,
} from "./event-store.js";
export type { AppendOptions, AppendResult, EventStoreOptions, LoadedEvents, LoadOptions, RecordedEvent } from "./event-store.js";
export type { Snapshot } from "./snapshots.js";
export { ResponseTimeoutError, SuspensionManager } from "./request-response.js";
export type { SuspendOptions } from "./request-response.js";
export { deterministicId } from "./deterministic-id.js";
export { defaultOutboxOptions, defaultRelayOptions, Outbox, OutboxRelay, RelayRunningError, withTransaction } from "./outbox.js";
export type { OutboxEntry, OutboxOptions, RelayNotification, RelayOptions, SqlClient } from "./outbox.js";
export { defaultSagaOptions, isFinal, SagaRunner, SagaTimeoutError, startSaga, waitForSaga } from "./saga.js";
export type { SagaContext, SagaDefinition, SagaNotification, SagaOptions, SagaRecord, SagaStep, SagaStatus } from "./saga.js";
