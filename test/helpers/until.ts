import { setTimeout as sleep } from "node:timers/promises";

/** Poll a condition every 20 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Run `attempt` until it resolves, again after each failure (a JetStream API call that a cluster's leader
 * election leaves unanswered); throws naming `what` and the last failure after `timeoutMs`. Each failure is
 * handed to `onFailure`, so that a test can report how often the cluster did not answer.
 */
export async function eventually<T>(attempt: () => Promise<T>, what: string, timeoutMs = 60_000, onFailure: (error: unknown) => void = () => {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      onFailure(error);
      if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms on ${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      await sleep(100);
    }
  }
}
