/** The seeds' flows, run one after another on one bus: what `npm start` shows. */
import type { EventBus } from "@evc/runtime";
import type { LatestEvents } from "@evc/seeds";
import { runTaskSagaDemo } from "./devops-task-saga.js";
import { runCodegenJob } from "./kubegram-codegen.js";
import { runFormChain } from "./latechforce-chain.js";
import { runRetriesAndDeadLetters } from "./retries.js";
import { DemoScope, type Log } from "./scope.js";

/** One flow of the demo. */
export interface DemoFlow {
  readonly title: string;
  readonly run: (scope: DemoScope) => Promise<unknown>;
}

/** Every flow, in the order the demo runs them. */
export const demoFlows: readonly DemoFlow[] = [
  { title: "Kubegram: a codegen job, its progress and its completion", run: runCodegenJob },
  { title: "LaTeChforce: form submitted, record created, automation triggered, action executed", run: runFormChain },
  { title: "LaTeChforce: a failing handler retried with backoff, dead-lettered, replayed", run: runRetriesAndDeadLetters },
  {
    title: "DevOps MCP: the task-processing saga on the event store, one task completed, one compensated",
    run: (scope) => runTaskSagaDemo(scope.bus, (line) => scope.log(`  ${line}`), { durable: `demo-${scope.runId}-task-saga` }, true),
  },
];

/** Run every flow on a bus, printing progress; each flow removes its subscriptions when it ends. */
export async function runDemo(bus: EventBus<LatestEvents>, log: Log, flows: readonly DemoFlow[] = demoFlows): Promise<void> {
  for (const [index, flow] of flows.entries()) {
    log(`[${index + 1}/${flows.length}] ${flow.title}`);
    const scope = new DemoScope(bus, log);
    const started = performance.now();
    try {
      await flow.run(scope);
    } finally {
      await scope.close();
    }
    log(`  done in ${Math.round(performance.now() - started)} ms`);
  }
}
