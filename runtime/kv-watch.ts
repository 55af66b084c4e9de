/** Watching one key of a JetStream key-value bucket until its value says something is done. */
import type { KV, KvEntry } from "@nats-io/kv";

/** Read a record written as JSON; undefined for a delete, a purge or what is not JSON. */
export function readJsonEntry<R>(entry: KvEntry): R | undefined {
  if (entry.operation !== "PUT") return undefined;
  try {
    return entry.json<R>();
  } catch {
    return undefined;
  }
}

/**
 * Watch `key` (its current value first, then every change) until `until` holds for its record and
 * return that record; after `timeoutMs`, call `timedOut` with the last record seen and throw what
 * it returns; when `signal` aborts, throw its reason. The watch ends whichever way the wait ends.
 */
export async function watchKey<R>(kv: KV, key: string, until: (record: R) => boolean, timeoutMs: number, timedOut: (last: R | undefined) => Error, signal?: AbortSignal): Promise<R> {
  signal?.throwIfAborted();
  const watch = await kv.watch({ key });
  let last: R | undefined;
  const timer = setTimeout(() => watch.stop(), timeoutMs);
  const abort = () => watch.stop();
  signal?.addEventListener("abort", abort);
  if (signal?.aborted === true) abort(); // aborted while the watch was being created
  try {
    for await (const entry of watch) {
      last = readJsonEntry<R>(entry) ?? last;
      if (last !== undefined && until(last)) return last;
    }
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", abort);
    watch.stop();
  }
  signal?.throwIfAborted();
  throw timedOut(last);
}
