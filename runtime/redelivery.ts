/** When a failed delivery comes again: shared by the JetStream and in-memory subscriptions. */

/** The pause before redelivering a message whose handler failed `deliveries` times (1, 2, ...): that entry of `backoffMs`, the last one repeating; 0 without any. */
export function redeliveryDelay(backoffMs: readonly number[], deliveries: number): number {
  return backoffMs.length === 0 ? 0 : (backoffMs[Math.min(deliveries - 1, backoffMs.length - 1)] as number);
}
