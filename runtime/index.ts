/**
 * `@evc/runtime`: connect to JetStream, publish and subscribe to the events of a generated registry,
 * dead letters, event history. The event store is `@evc/runtime/store`, sagas and request/response
 * `@evc/runtime/saga`, Prometheus metrics `@evc/runtime/metrics`, a local test server `@evc/runtime/testing`.
 */
export { connect, ConnectError, defaultConnectOptions, EventBus } from "./bus.js";
export type { ConnectOptions, CreateOptions } from "./bus.js";
export type { EventBusApi, EventSubscription, SubscribeBatchOptions } from "./typed-bus.js";
export type { BatchHandler, BatchOptions } from "./batch-handler.js";
export type { CreateInit, DynamicInit, EventOf, EventsOf, EventSource, EventTypeHandle, KnownPattern, MatchingEvents } from "./event-types.js";
export { maskUrl } from "./credentials.js";
export type { Credentials } from "./credentials.js";
export { createRegistry } from "./registry.js";
export type { Registry, RegistryInput } from "./registry.js";
export { Subscription } from "./subscribe.js";
export { defaultDurableName, defaultSubscribeOptions } from "./subscribe-options.js";
export type { DeliverPolicy, EventHandler, SubscribeOptions, SubscriptionCircuitBreaker, SubscriptionOrdering } from "./subscribe-options.js";
export type { HandlerContext } from "./delivery-context.js";
export { CircuitBreaker } from "./circuit-breaker.js";
export type { SubscriptionNotification } from "./notifications.js";
export type { CircuitBreakerOptions, CircuitState } from "./circuit-breaker.js";
export type { ConsumeOutcome, PublishOutcome, RuntimeMetrics } from "./metrics.js";
export { EventSourcedPublishError, PayloadTooLargeError, PublishTimeoutError, StreamFullError } from "./publish.js";
export { AckInbox, AckTimeoutError, InvalidAckError, NoStreamResponseError } from "./ack-inbox.js";
export { NoStreamError } from "./no-stream.js";
export type { PublishAck, Publishable, PublishResult } from "./publish.js";
export { DeadLetterHeader, DeadLetterReplayError, listDeadLetters, readDeadLetter, replayDeadLetter } from "./dead-letter.js";
export type { DeadLetter, DeadLetterCause, Replayed, ReplayHost } from "./dead-letter.js";
export { HandlerFailure, PermanentFailure, TransientFailure } from "./failures.js";
export { HandlerTimeoutError } from "./handler-deadline.js";
export { StreamNotReadableError, WorkQueueConsumerError } from "./retention.js";
export type { HandlerFailureOptions } from "./failures.js";
export { decideFailure } from "./failure-policy.js";
export type { FailureDecision, RetryLimits } from "./failure-policy.js";
export { ProvisionError, ensureTopology } from "./provision.js";
export type { ProvisionAction } from "./provision.js";
export { parseServerVersion, requireFeature, ServerFeatureError, serverFeatures, supports } from "./server-features.js";
export type { ServerFeature, ServerVersion } from "./server-features.js";
export { Header, dataSchemaOf, decodeValue as decodeHeaderValue, type HeaderLookup } from "./headers.js";
export { announcedType, encodeEvent } from "./codec.js";
export type { EncodedEvent } from "./codec.js";
export { SubjectError, matchesPattern, subjectCovers, subjectOf, subjectPattern } from "./subject.js";
export { consumerFilter, receiveEvent, resolveTargets, streamsOf } from "./routing.js";
export { convertVersion, downcast } from "./downcast.js";
export { projectOnto } from "./projection.js";
export type { ReceivedEvent, Targets } from "./routing.js";
export {
  ArgumentError,
  ContractError,
  DecodeError,
  DowncastError,
  formatIssues,
  isContractError,
  UnknownEventError,
  UpcastError,
  ValidationError,
} from "./errors.js";
export type { CompatibilityMode, EventClass, EventContract, EventInstance, JsonObject, JsonSchema, JsonValue, SubjectTemplate } from "./contract.js";
export { bucketSpec, replayOf } from "./topology.js";
export type { BucketSpec, ConsumerDefaults, DeadLetterSpec, FailurePolicy, JetStreamTopology, ReplaySpec, StreamSpec } from "./topology.js";
export { EventHistory } from "./history.js";
export type { HeardMessage, MessageSource, RawMessage, ReadRange, ReadStart } from "./stream-reader.js";
export type { EventQuery, HistoryHost, ReplayOptions } from "./history.js";
export type { AggregateEvents, KnownAggregateType, KnownSelection, KnownTarget, ReadTarget, ReadTargets, SelectedEvents, TargetEvents } from "./read-types.js";
export type { StoredEvent } from "./stored-event.js";
