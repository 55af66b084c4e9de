/** The JSON Schema compatibility checker: Confluent Schema Registry's modes, policies and rule ids. */
export { checkCompatibility, compatibilityModes, declaredDialect, defaultCheckOptions, diffSchemas, directionsOf, isTransitive } from "./check.js";
export type { CheckOptions, CompatibilityDirection, CompatibilityFinding, CompatibilityReport } from "./check.js";
export { forgetComparisons } from "./differ.js";
export type { CompatibilityPolicy } from "./differ.js";
export type { SchemaDialect } from "./schema-node.js";
export { CompatibilityError } from "./errors.js";
export { mirrorOf, ruleClass, ruleIds } from "./rules.js";
export type { RuleClass, RuleId } from "./rules.js";
export { applyAccepted, checkLock, lockText, readLock, writeLock } from "./lock.js";
export type { LockCheck, LockCheckOptions } from "./lock.js";
