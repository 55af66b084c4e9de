/** Listing the keys of a JetStream key-value bucket without a consumer. */
import type { JetStreamManager } from "@nats-io/jetstream";

/**
 * The keys of `bucket` that match `filter` (NATS wildcards), read from the state of the bucket's
 * stream (one request, no consumer). NATS.js's `kv.keys()` reads them with an ordered consumer
 * that ends when it has seen every pending message, and a write racing with it can leave it
 * waiting until its pull expires (30 s): a process manager's start-up scan stalled so while its
 * own subscription applied an event. A key whose last operation was a delete or purge is listed
 * too; reading it gives no value.
 */
export async function bucketKeys(jsm: JetStreamManager, bucket: string, filter: string): Promise<string[]> {
  const prefix = `$KV.${bucket}.`;
  const { state } = await jsm.streams.info(`KV_${bucket}`, { subjects_filter: `${prefix}${filter}` });
  return Object.keys(state.subjects ?? {})
    .map((subject) => subject.slice(prefix.length))
    .sort();
}
