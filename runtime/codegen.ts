/**
 * The only module that generated code imports (`@evc/runtime/codegen`). Everything here exists for
 * generated SDKs: services use the generated classes and the registry, not these helpers. Keeping
 * this surface small lets the runtime change without breaking old generated code.
 */
export { createRegistry } from "./registry.js";
export type { Registry, RegistryInput } from "./registry.js";
export type { ConsumerDefaults, DeadLetterSpec, FailurePolicy, JetStreamTopology, StreamSpec } from "./topology.js";
export type {
  CompatibilityMode,
  Downcaster,
  EventClass,
  EventContract,
  EventFields,
  EventInit,
  EventInstance,
  JsonObject,
  JsonSchema,
  JsonValue,
  SubjectParameter,
  SubjectTemplate,
  UpcastStep,
  Upcaster,
  ValidateFunction,
} from "./contract.js";
export { defineContract, defineFields, inheritedMembers, jsonOf, own, parseEvent, pin, readJson, safely, trust } from "./event-helpers.js";
export type { SafeResult } from "./event-helpers.js";
export { functionDowncaster, functionUpcaster, stepsDowncaster, stepsUpcaster } from "./upcast-steps.js";
export { validatorRequire } from "./validator-runtime.js";
export { defineEventType, defineRequest } from "./event-types.js";
export { eventMark } from "./event-mark.js";
export type { EventTypeHandle, RequestOperation } from "./event-types.js";
export { escapePointerToken, isPlainObject, pointerTokens, setOwn, valueAtPath } from "./json.js";
