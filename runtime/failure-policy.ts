/**
 * What a subscription does with a failed delivery: retry it after a delay, dead-letter it, or
 * discard it. A `PermanentFailure` is never retried; a failure's category (named by the error, else
 * the category whose `events` hold its event type) picks the stream's policy for it; without one,
 * the consumer's delivery limit and backoff apply.
 */
import type { CircuitBreaker } from "./circuit-breaker.js";
import { failureKind } from "./failures.js";
import { matchesPattern } from "./subject.js";
import type { FailurePolicy, StreamSpec } from "./topology.js";

/** The retries a subscription allows when no category policy applies. */
export interface RetryLimits {
  readonly maxDeliver: number;
  readonly backoffMs: readonly number[];
}

/** What to do with a failed delivery; `category` is the failure's, if any. */
export type FailureDecision =
  | { readonly action: "retry"; readonly delayMs: number; readonly category: string | undefined }
  | { readonly action: "dead_letter"; readonly retried: boolean; readonly category: string | undefined }
  | { readonly action: "discard"; readonly category: string | undefined };

/**
 * What a subscription does when its handler failed: tell its circuit breaker (a `PermanentFailure`
 * is the handler's verdict on the event, not a sign of a failing dependency, so it counts as a
 * success there), then `decideFailure` with the subscription's limits, or else the stream's
 * consumer defaults. Both buses' subscriptions use it.
 */
export function judgeFailure(
  breaker: Pick<CircuitBreaker, "failure" | "success"> | undefined,
  spec: StreamSpec,
  eventType: string,
  error: unknown,
  deliveries: number,
  limits: { readonly maxDeliver: number | undefined; readonly backoffMs: readonly number[] | undefined },
): FailureDecision {
  if (failureKind(error).retryable) breaker?.failure(error);
  else breaker?.success();
  return decideFailure(spec, eventType, error, deliveries, { maxDeliver: limits.maxDeliver ?? spec.consumer.maxDeliver, backoffMs: limits.backoffMs ?? spec.consumer.backoffMs });
}

/** Decide what a delivery that failed with `error` leads to, after `deliveries` deliveries that counted. */
export function decideFailure(spec: StreamSpec, eventType: string, error: unknown, deliveries: number, limits: RetryLimits): FailureDecision {
  const kind = failureKind(error);
  const category = kind.category ?? eventCategory(spec, eventType);
  const policy = category === undefined ? undefined : spec.deadLetter.policies?.find((candidate) => candidate.category === category);
  if (policy?.onFailure === "discard") return { action: "discard", category };
  if (!kind.retryable || policy?.onFailure === "dead-letter") return { action: "dead_letter", retried: false, category };
  const maxDeliver = policy?.maxDeliver ?? limits.maxDeliver;
  if (deliveries >= maxDeliver) return { action: "dead_letter", retried: true, category };
  const backoff = policy?.backoffMs ?? limits.backoffMs;
  return { action: "retry", delayMs: redeliveryDelay(backoff, deliveries), category };
}

/** The pause before redelivering a message whose handler failed `deliveries` times (1, 2, ...): that entry of `backoffMs`, the last one repeating; 0 without any. */
function redeliveryDelay(backoffMs: readonly number[], deliveries: number): number {
  return backoffMs.length === 0 ? 0 : (backoffMs[Math.min(deliveries - 1, backoffMs.length - 1)] as number);
}

/** The most deliveries any failure on the stream may get: the consumer's limit or a category's, whichever is larger. */
export function mostDeliveries(spec: StreamSpec, maxDeliver: number): number {
  return Math.max(maxDeliver, ...(spec.deadLetter.policies ?? []).map((policy) => policy.maxDeliver ?? 0));
}

/** The category whose `events` hold an event type, in the order declared. */
function eventCategory(spec: StreamSpec, eventType: string): string | undefined {
  return spec.deadLetter.policies?.find((policy: FailurePolicy) => policy.events.some((pattern) => matchesPattern(eventType, pattern)))?.category;
}
