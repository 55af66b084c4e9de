/**
 * `@evc/runtime/memory`: the in-memory bus, with `EventBus`'s API and no server, for unit tests of
 * handlers. Type what a handler or service needs as `EventBusApi` to run it on either bus.
 */
export { createMemoryBus, MemoryBus, MemoryBusClosedError } from "./memory-bus.js";
export type { MemoryBusOptions } from "./memory-bus.js";
export { MemoryBroker } from "./memory-broker.js";
export { NoStreamError } from "./no-stream.js";
export { MemorySubscription } from "./memory-subscription.js";
export type { ClockMode } from "./memory-clock.js";
export type { EventBusApi, EventSubscription } from "./typed-bus.js";
