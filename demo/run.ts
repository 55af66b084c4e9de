/** The seeds' flows, run one after another on one bus: what `npm start` shows. */
import type { EventBus } from "@evc/runtime";
import type { LatestEvents } from "@evc/seeds";
import { runCollaborations, runTaskEventsSaga } from "./devops-process-managers.js";
import { runTaskSagaDemo } from "./devops-task-saga.js";
import { runExecutionLifecycle } from "./integr8scode-execution.js";
import { runCodegenJob } from "./kubegram-codegen.js";
import { runFormChain } from "./latechforce-chain.js";
import { runModelCatalog } from "./modelmora-catalog.js";
import { runRetriesAndDeadLetters } from "./retries.js";
import { DemoScope, type Log } from "./scope.js";

/** One flow of the demo. */
export interface DemoFlow {
  /** The seed system it belongs to, as the specs' titles name it. */
  readonly system: string;
  readonly title: string;
  readonly run: (scope: DemoScope) => Promise<unknown>;
}

/** Every flow, in the order the demo runs them. */
export const demoFlows: readonly DemoFlow[] = [
  { system: "Kubegram", title: "a codegen job, its progress and its completion", run: runCodegenJob },
  { system: "LaTeChforce", title: "form submitted, record created, automation triggered, action executed", run: runFormChain },
  { system: "LaTeChforce", title: "a failing handler retried with backoff, dead-lettered, replayed", run: runRetriesAndDeadLetters },
  {
    system: "DevOps MCP",
    title: "the task-processing saga on the event store, one task completed, one compensated",
    run: (scope) => runTaskSagaDemo(scope.bus, (line) => scope.log(`  ${line}`), { durable: `demo-${scope.runId}-task-saga` }, true),
  },
  { system: "DevOps MCP", title: "the collaboration process manager: one session starts, one times out with collaboration.error", run: runCollaborations },
  { system: "DevOps MCP", title: "the task saga waiting for other services' agent.assigned, task.completed and task.failed", run: runTaskEventsSaga },
  { system: "ModelMora", title: "models registered as v1, v2 and v3 on the event store, loaded as v3; an inference job lifecycle", run: runModelCatalog },
  { system: "Integr8sCode", title: "an execution's lifecycle, each service persisting then publishing through the outbox on PostgreSQL", run: runExecutionLifecycle },
];

/** Where the demo runs besides its bus. */
export interface DemoOptions {
  readonly flows: readonly DemoFlow[];
  /** The PostgreSQL server the outbox flow creates its database on (default: 127.0.0.1:5432 as `postgres`). */
  readonly postgresUrl: string | undefined;
}

/** Run every flow on a bus, printing progress and, at the end, the systems they covered; each flow removes its subscriptions when it ends. */
export async function runDemo(bus: EventBus<LatestEvents>, log: Log, options: Partial<DemoOptions> = {}): Promise<void> {
  const flows = options.flows ?? demoFlows;
  for (const [index, flow] of flows.entries()) {
    log(`[${index + 1}/${flows.length}] ${flow.system}: ${flow.title}`);
    const scope = new DemoScope(bus, log, options.postgresUrl);
    const started = performance.now();
    try {
      await flow.run(scope);
    } finally {
      await scope.close();
    }
    log(`  done in ${Math.round(performance.now() - started)} ms`);
  }
  const systems = [...new Set(flows.map((flow) => flow.system))];
  log(`ran ${flows.length} flows of ${systems.length} systems: ${systems.join(", ")}`);
}
