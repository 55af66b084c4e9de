/**
 * The JSON Schemas of evc's own inputs: `x-evc` on a message, `x-evc-jetstream` at a document's root,
 * and `evc.config.yaml`. The build precompiles each into an ajv standalone validator
 * (`precompiled-build.ts`), with the options given here; the readers load it by name
 * (`precompiled-validators.ts`), so that reading a spec or the configuration compiles no schema.
 */
import { readFileSync } from "node:fs";
import type { Options } from "ajv";
import type { CompatibilityMode } from "@evc/runtime/codegen";
import { toolFile } from "./version.js";
import { durationPattern } from "./duration.js";

/** A JSON Schema the build precompiles: the name of its validator, the schema, and the ajv options it is compiled with. */
export interface PrecompiledSchema {
  readonly name: string;
  readonly schema: () => object;
  readonly options: Options;
}

/** Every compatibility mode, in the order users know them. */
export const compatibilityModes = [
  "BACKWARD",
  "BACKWARD_TRANSITIVE",
  "FORWARD",
  "FORWARD_TRANSITIVE",
  "FULL",
  "FULL_TRANSITIVE",
  "NONE",
] as const satisfies readonly CompatibilityMode[];

const pointer = { type: "string", pattern: "^(/([^~/]|~[01])*)+$" };
const duration = { description: "a duration such as 500ms, 30s, 5m, 2h or 7d", anyOf: [{ type: "string", pattern: durationPattern }, { const: 0 }] };
const fromTo = { type: "object", required: ["from", "to"], additionalProperties: false, properties: { from: pointer, to: pointer } };

const stepsSchema = {
  type: "array",
  minItems: 1,
  items: {
    type: "object",
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
    properties: {
      rename: fromTo,
      move: fromTo,
      default: { type: "object", required: ["path", "value"], additionalProperties: false, properties: { path: pointer, value: {} } },
      drop: pointer,
    },
  },
};

const messageExtensionSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    version: { type: "integer", minimum: 1 },
    compatibility: { enum: compatibilityModes },
    upcast: {
      description: '"function" or a list of steps (rename, move, default, drop)',
      anyOf: [{ const: "function" }, stepsSchema],
    },
    downcast: {
      description: '"function", "inverse" (the upcast steps undone) or a list of steps (rename, move, default, drop) towards the previous version\'s shape',
      anyOf: [{ const: "function" }, { const: "inverse" }, stepsSchema],
    },
  },
};

/** The dead-letter policy of one failure category: which event types fall in it, and what their failures lead to. */
const policySchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    events: { type: "array", minItems: 1, items: { type: "string", pattern: "^[^\\s]+$" } },
    retry: {
      type: "object",
      additionalProperties: false,
      properties: { maxDeliver: { type: "integer", minimum: 1 }, backoff: { type: "array", minItems: 1, items: duration } },
    },
    deadLetter: { const: "immediate" },
    discard: { const: true },
  },
};

const streamSchema = {
  type: "object",
  required: ["subjects"],
  additionalProperties: false,
  properties: {
    subjects: { type: "array", minItems: 1, items: { type: "string", pattern: "^[^\\s]+$" } },
    description: { type: "string" },
    storage: { enum: ["file", "memory"] },
    replicas: { type: "integer", minimum: 1, maximum: 5 },
    retention: { enum: ["limits", "interest", "workqueue"] },
    discard: { enum: ["old", "new"] },
    maxAge: duration,
    maxMsgs: { type: "integer", minimum: -1 },
    maxBytes: { type: "integer", minimum: -1 },
    duplicateWindow: duration,
    expiresAggregates: { type: "boolean" },
    eventSourced: { type: "array", uniqueItems: true, items: { type: "string", minLength: 1 } },
    deadLetter: {
      type: "object",
      additionalProperties: false,
      properties: {
        stream: { type: "string", pattern: "^[A-Za-z0-9_-]+$" },
        subjectPrefix: { type: "string", pattern: "^[^\\s*>]+$" },
        maxAge: duration,
        policies: { type: "object", minProperties: 1, propertyNames: { pattern: "^[A-Za-z0-9_.-]+$" }, additionalProperties: policySchema },
      },
    },
    consumer: {
      type: "object",
      additionalProperties: false,
      properties: {
        ackWait: duration,
        maxDeliver: { type: "integer", minimum: 1 },
        backoff: { type: "array", items: duration },
        maxAckPending: { type: "integer", minimum: 1 },
      },
    },
  },
};

const bucketSchema = {
  type: "object",
  additionalProperties: false,
  properties: {
    description: { type: "string" },
    storage: { enum: ["file", "memory"] },
    replicas: { type: "integer", minimum: 1, maximum: 5 },
    history: { type: "integer", minimum: 1, maximum: 64 },
    ttl: duration,
    maxBytes: { type: "integer", minimum: -1 },
    maxValueBytes: { type: "integer", minimum: -1 },
  },
};

const jetStreamExtensionSchema = {
  type: "object",
  required: ["streams"],
  additionalProperties: false,
  properties: {
    streams: {
      type: "object",
      minProperties: 1,
      propertyNames: { pattern: "^[A-Za-z0-9_-]+$" },
      additionalProperties: streamSchema,
    },
    buckets: {
      type: "object",
      propertyNames: { pattern: "^[A-Za-z0-9_-]+$" },
      additionalProperties: bucketSchema,
    },
  },
};

/** The extensions' validators report every error (`allErrors`) with its schema (`verbose`: an `anyOf`'s `description` says what was expected). */
const extensionOptions: Options = { allErrors: true, strict: true, verbose: true };

/** `x-evc`: version, compatibility, upcast and downcast of a message. */
export const messageExtension: PrecompiledSchema = { name: "x-evc", schema: () => messageExtensionSchema, options: extensionOptions };

/** `x-evc-jetstream`: a document's streams, dead letters, consumer defaults and buckets. */
export const jetStreamExtension: PrecompiledSchema = { name: "x-evc-jetstream", schema: () => jetStreamExtensionSchema, options: extensionOptions };

/** `evc.config.yaml`, whose schema ships with the tool as `config.schema.json` (editors validate with it too). */
export const configuration: PrecompiledSchema = {
  name: "evc-config",
  schema: () => JSON.parse(readFileSync(toolFile("config.schema.json"), "utf8")) as object,
  options: { allErrors: true, strict: true },
};

/** Every schema of evc's own inputs, as the build precompiles them. */
export const ownSchemas: readonly PrecompiledSchema[] = [messageExtension, jetStreamExtension, configuration];
