/**
 * Event ids derived from names instead of drawn at random: the same saga, step and label always
 * give the same id, so a step that runs again after a crash publishes events JetStream's duplicate
 * window recognises and stores once. The name hashes with SHA-256, so the id is a UUID version 8
 * (RFC 9562 §5.8, "custom"; version 5 is reserved for SHA-1). Sagas started before v8 ids keep the
 * version-5-labelled ids they began with (`legacyDeterministicId`), so their steps stay idempotent.
 */
import { createHash } from "node:crypto";

/** The UUID version nibble each id scheme writes. */
export type DeterministicIdVersion = 5 | 8;

/** A UUID version 8 (SHA-256 of the parts) derived from the given parts; the same parts give the same id. */
export function deterministicId(...parts: readonly string[]): string {
  return nameBasedId(8, parts);
}

/** The id earlier releases derived (SHA-256, labelled version 5): for saga instances started with it. */
export function legacyDeterministicId(...parts: readonly string[]): string {
  return nameBasedId(5, parts);
}

function nameBasedId(version: DeterministicIdVersion, parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part.length}:${part}`);
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | (version << 4);
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
