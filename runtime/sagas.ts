/** `@evc/runtime/saga`: sagas with compensations, process managers, and request/response across processes, on JetStream and its KV store. */
export { ResponseTimeoutError, SuspensionManager } from "./request-response.js";
export type { ResponseHost, SuspendOptions } from "./request-response.js";
export { deterministicId, legacyDeterministicId } from "./deterministic-id.js";
export { defaultSagaOptions, isFinal, SagaRunner, SagaTimeoutError, startSaga, waitForSaga } from "./saga.js";
export { awaitEvent, SagaWaitTimeoutError } from "./saga-waits.js";
export type { EventWait, SagaContext, SagaDefinition, SagaFailure, SagaRecord, SagaStep, SagaStatus } from "./saga-definition.js";
export type { SagaNotification, SagaOptions } from "./saga.js";
export type { ReplyOf, RequestOf, RequestOperation } from "./event-types.js";
export {
  defaultProcessManagerOptions,
  defineProcessManager,
  ProcessConflictError,
  ProcessManagerDefinition,
  ProcessManagerRunner,
  ProcessTimeoutError,
  startProcessManager,
  waitForProcess,
} from "./process-manager.js";
export type { ProcessManagerOptions, ProcessNotification, ProcessRecord, ProcessShape, Reaction, Transition, TransitionContext } from "./process-manager.js";
