/**
 * The one check of every id the runtime turns into a subject token, a key-value key or a consumer
 * name (aggregate ids, saga instance ids, snapshot keys, durable names), made before anything is
 * sent: a bounded length far under the server's limits (a control line of 4,096 bytes; a longer
 * one closes the whole connection), and no control or invisible characters (NUL, DEL, ESC, bidi
 * overrides, zero-width spaces), which would pass into subjects and logs unseen.
 */
import { ArgumentError } from "./errors.js";

/** The longest id, in UTF-8 bytes: base64url-encoded and among other tokens, a key stays under 1 KB. */
export const maxIdBytes = 256;

/** What an id becomes; each use adds the characters it reserves. */
export type IdUse = "subject-token" | "kv-key" | "consumer-name";

const hidden = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const reserved: Record<IdUse, { pattern: RegExp; says: string } | undefined> = {
  "subject-token": { pattern: /[\s.*>]/u, says: 'a subject token holds no ".", "*", ">" or whitespace' },
  "kv-key": undefined,
  "consumer-name": { pattern: /[\s.*>/\\]/u, says: 'a consumer name holds no ".", "*", ">", "/", "\\" or whitespace' },
};

/** Why a value cannot serve as an id for a use, phrased as what was expected; undefined when it can. */
export function idProblem(value: unknown, use: IdUse): string | undefined {
  if (typeof value !== "string" || value === "") return `a non-empty string, not ${preview(value)}`;
  const bytes = Buffer.byteLength(value, "utf8");
  if (bytes > maxIdBytes) return `at most ${maxIdBytes} bytes (UTF-8), not ${bytes.toLocaleString("en-US")} (${preview(value)})`;
  const found = hidden.exec(value);
  if (found !== null) {
    const code = (found[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, "0");
    return `no control or invisible characters, but ${preview(value)} holds U+${code} at index ${found.index}`;
  }
  const rule = reserved[use];
  if (rule !== undefined && rule.pattern.test(value)) return `${rule.says}, not ${preview(value)}`;
  return undefined;
}

/** Check an id for a use; returns it, or throws `ArgumentError` naming the argument and what was expected. */
export function checkId(argument: string, value: unknown, use: IdUse): string {
  const problem = idProblem(value, use);
  if (problem !== undefined) throw new ArgumentError(argument, problem);
  return value as string;
}

/** A value as an error message may show it: JSON, its first 40 characters only, with control characters escaped. */
function preview(value: unknown): string {
  if (typeof value !== "string") return JSON.stringify(value ?? null);
  const shown = JSON.stringify(value.length > 40 ? value.slice(0, 40) : value).replace(/[\p{Cf}\p{Zl}\p{Zp}\u007f-\u009f]/gu, (char) => `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, "0")}`);
  return value.length > 40 ? `${shown}… (${value.length.toLocaleString("en-US")} characters)` : shown;
}
