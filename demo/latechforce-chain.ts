/**
 * LaTeChforce (seed 001), the chain event flow: a form is submitted, the tables feature creates a
 * record from it, the automation feature is triggered by the new record, and its action runs. Each
 * feature only reacts to the event before it; the correlation id ties the chain together. A legacy
 * producer still writing `record-created` v1 shows upcasting: the automation handler, written for
 * v2, receives it with `createdBy` filled in.
 */
import { ActionExecuted, AutomationTriggered, FormSubmitted, RecordCreated, RecordCreatedV1Contract, type ActionExecutedV1 } from "@evc/seeds";
import { within, type DemoScope } from "./scope.js";

/** Run the form-to-action chain once, and once from a v1 record; returns the executed actions. */
export async function runFormChain(scope: DemoScope): Promise<ActionExecutedV1[]> {
  const { bus, log, runId } = scope;
  const tableId = `contacts-${runId}`;
  const automationId = `welcome-${runId}`;
  await scope.on(FormSubmitted, "tables", async (form, context) => {
    const record = context.create(RecordCreated, {
      aggregateId: tableId,
      metadata: { source: "latechforce-tables" },
      data: { tableId, recordId: `rec-${form.data.submissionId}`, fields: form.data.data, createdBy: form.data.submittedBy ?? "anonymous" },
    });
    await bus.publish(record);
  });

  await scope.on(RecordCreated, "automations", async (record, context) => {
    if (record.data.tableId !== tableId) return;
    const upcast = context.receivedVersion === record.version ? "" : ` (published as v${context.receivedVersion}, upcast to v${record.version})`;
    log(`  record-created v${record.version} ${record.data.recordId} by ${record.data.createdBy}${upcast}`);
    await bus.publish(
      context.create(AutomationTriggered, {
        aggregateId: automationId,
        metadata: { source: "latechforce-automations" },
        data: { automationId, triggerId: "on-record-created", runId: `run-${record.data.recordId}`, triggerData: { tableId, recordId: record.data.recordId } },
      }),
    );
  });

  await scope.on(AutomationTriggered, "actions", async (trigger, context) => {
    if (trigger.data.automationId !== automationId) return;
    log(`  automation-triggered v1 ${trigger.data.runId}`);
    await bus.publish(
      context.create(ActionExecuted, {
        aggregateId: automationId,
        metadata: { source: "latechforce-actions" },
        data: { automationId, actionId: "send-welcome-email", runId: trigger.data.runId, result: "success", data: { to: trigger.data.triggerData["recordId"] } },
      }),
    );
  });

  const executed: ActionExecutedV1[] = [];
  const waiting: (() => void)[] = [];
  const nextAction = () => new Promise<void>((resolve) => waiting.push(resolve));
  await scope.on(ActionExecuted, "monitor", (action) => {
    if (action.data.automationId !== automationId) return;
    log(`  action-executed v1 ${action.data.actionId} for ${action.data.runId}: ${action.data.result}`);
    executed.push(action);
    waiting.shift()?.();
  });

  const form = bus.create(FormSubmitted, {
    aggregateId: `signup-${runId}`,
    metadata: { correlationId: `signup-${runId}`, userId: "user-grace", source: "latechforce-forms" },
    data: { formId: `signup-${runId}`, submissionId: `s-${runId}`, data: { name: "Grace Hopper", email: "grace@example.com" }, submittedBy: "user-grace" },
  });
  log(`  form-submitted v1 ${form.data.submissionId}`);
  const formChain = nextAction();
  await bus.publish(form);
  await within(formChain, "the action of the form's chain");

  const legacy = bus.create(RecordCreatedV1Contract, {
    aggregateId: tableId,
    metadata: { correlationId: `import-${runId}`, source: "legacy-importer" },
    data: { tableId, recordId: `rec-import-${runId}`, fields: { name: "Ada Lovelace" } },
  });
  log(`  record-created v1 rec-import-${runId} from a legacy producer`);
  const legacyChain = nextAction();
  await bus.publish(legacy);
  await within(legacyChain, "the action of the legacy record's chain");
  return executed;
}
