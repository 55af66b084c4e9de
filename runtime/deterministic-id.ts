/**
 * Event ids derived from names instead of drawn at random: the same saga, step and label always
 * give the same id, so a step that runs again after a crash publishes events JetStream's duplicate
 * window recognises and stores once.
 */
import { createHash } from "node:crypto";

/** A UUID (version 5 layout, SHA-256 based) derived from the given parts; the same parts give the same id. */
export function deterministicId(...parts: readonly string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(`${part.length}:${part}`);
  const bytes = hash.digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
