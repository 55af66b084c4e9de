/**
 * Kubegram (seed 000): a client starts a code generation job and waits for its result; a worker
 * takes `codegen.started`, reports each of the five steps with `codegen.progress` and finishes with
 * `codegen.completed`, every event carrying the job id as correlation id and the event before it
 * as causation id.
 */
import type { EventInstance } from "@evc/runtime";
import { CodegenCompleted, CodegenProgress, CodegenStarted, type CodegenCompletedV1, type CodegenStep } from "@evc/seeds";
import type { DemoScope } from "./scope.js";

const steps: readonly CodegenStep[] = ["GET_OR_CREATE_GRAPH", "GET_PROMPT", "LLM_CALL", "BUILD_KUBERNETES_GRAPH", "VALIDATE_CONFIGURATIONS"];

/** Run one codegen job from start to completion, printing its progress. */
export async function runCodegenJob(scope: DemoScope): Promise<CodegenCompletedV1> {
  const { bus, log, runId } = scope;
  const jobId = `job-${runId}`;

  await scope.on(CodegenStarted, "codegen-worker", async (started) => {
    const began = performance.now();
    let cause: EventInstance = started;
    for (const [index, step] of steps.entries()) {
      const progress = bus.create(CodegenProgress, {
        aggregateId: started.aggregateId,
        metadata: { source: "kubegram-worker" },
        data: { jobId: started.data.jobId, step, fraction: (index + 1) / steps.length, message: `${step.toLowerCase().replace(/_/g, " ")} done` },
      }, { causedBy: cause });
      await bus.publish(progress);
      cause = progress;
    }
    await bus.publish(
      bus.create(CodegenCompleted, {
        aggregateId: started.aggregateId,
        metadata: { source: "kubegram-worker" },
        data: {
          jobId: started.data.jobId,
          graphId: started.data.graphId,
          processingTime: Math.round(performance.now() - began),
          manifests: started.data.graphData.nodes.map((node) => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: node.id, labels: { "kubegram/graph": started.data.graphId } } })),
        },
      }, { causedBy: cause }),
    );
  });

  await scope.on(CodegenProgress, "codegen-progress-view", (progress, context) => {
    if (progress.data.jobId !== jobId) return;
    log(`  codegen.progress v${progress.version} ${String(Math.round(progress.data.fraction * 100)).padStart(3)}% ${progress.data.step} (${progress.data.message}; stream seq ${context.streamSeq})`);
  });

  const completion = await scope.first(CodegenCompleted, "codegen-client", (completed) => completed.data.jobId === jobId);
  const started = bus.create(CodegenStarted, {
    aggregateId: jobId,
    metadata: { correlationId: jobId, userId: "user-ada", source: "kubegram-api" },
    data: {
      jobId,
      userId: "user-ada",
      graphId: `graph-${runId}`,
      graphData: { nodes: [{ id: "api", type: "service", name: "API" }, { id: "db", type: "database", name: "Postgres" }], edges: [{ from: "api", to: "db", kind: "reads" }] },
      options: { provider: "anthropic", model: "claude-3-5-sonnet" },
    },
  });
  const ack = await bus.publish(started);
  log(`  codegen.started v1 ${jobId} on ${ack.subject} (${ack.stream} #${ack.seq})`);
  const completed = await completion.arrival;
  log(`  codegen.completed v1 ${jobId}: ${completed.data.manifests.length} manifests (${completed.data.manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(", ")}) in ${completed.data.processingTime} ms`);
  return completed;
}
