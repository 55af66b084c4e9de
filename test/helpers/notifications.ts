import type { Subscription, SubscriptionNotification } from "@evc/runtime";

/** The first notification of `type` a subscription reports from this call on. */
export async function next(subscription: Subscription, type: SubscriptionNotification["type"]): Promise<SubscriptionNotification> {
  for await (const notification of subscription.status()) if (notification.type === type) return notification;
  throw new Error(`subscription ended before a "${type}" notification`);
}

/** The first notification of `type` once `act` (which publishes) has run: listening starts before it, so none is missed. */
export async function notifiedAfter(subscription: Subscription, type: SubscriptionNotification["type"], act: () => Promise<unknown>): Promise<SubscriptionNotification> {
  const notification = next(subscription, type);
  await act();
  return notification;
}
