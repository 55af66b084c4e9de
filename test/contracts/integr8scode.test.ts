/**
 * Integr8sCode's event set against upstream's (seed 004 links the repository): every value of its
 * `EventType` has a contract, and the latest version of each has upstream's fields, as upstream's
 * own `test_event_schema_coverage.py` checks enum against classes.
 */
import { beforeAll, describe, expect, expectTypeOf, test } from "vitest";
import { loadContracts } from "@evc/cli";
import type { EventContract, JsonObject } from "@evc/runtime/codegen";
import * as sdk from "@evc/seeds";

const executionId = "550e8400-e29b-41d4-a716-446655440000";
let examples: Map<string, JsonObject>;

beforeAll(async () => {
  const { model } = await loadContracts({ specs: "asyncapi/integr8scode.yaml", cwd: process.cwd(), allowRemoteRefs: false });
  examples = new Map(model.events.map((event) => [`${event.type} v${event.version}`, event.examples[0]?.payload as JsonObject]));
});

/** The first example of a contract's message in the spec. */
function exampleOf(contract: EventContract): JsonObject {
  const example = examples.get(`${contract.type} v${contract.version}`);
  if (example === undefined) throw new Error(`no example of "${contract.type}" v${contract.version} in the spec`);
  return example;
}

/**
 * Upstream's event classes, by `EventType` value in the enum's order, with their fields (the
 * `BaseEvent` ones aside, which our envelope carries): `name` is required, `name=` has a default,
 * `name?` is `X | None = None`. Facts read from HardMax71/Integr8sCode at commit
 * 1f59759ad72fe6a78968928d70b7444b7f18ac7d: `backend/app/domain/enums/events.py` (57 values; the
 * seed's "53" predates `notification_all_read` and three more) and `backend/app/domain/events/typed.py`.
 */
const upstream = {
  execution_requested: "execution_id script language language_version runtime_image runtime_command runtime_filename timeout_seconds cpu_limit memory_limit cpu_request memory_request priority=",
  execution_accepted: "execution_id queue_position estimated_wait_seconds? priority=",
  execution_queued: "execution_id position_in_queue? estimated_start_time?",
  execution_started: "execution_id pod_name node_name? container_id?",
  execution_running: "execution_id pod_name progress_percentage?",
  execution_completed: "execution_id exit_code resource_usage? stdout= stderr=",
  execution_failed: "execution_id exit_code= error_type resource_usage? stdout= stderr=",
  execution_timeout: "execution_id timeout_seconds resource_usage? stdout= stderr=",
  execution_cancelled: "execution_id cancelled_by force_terminated=",
  pod_created: "execution_id pod_name namespace=",
  pod_scheduled: "execution_id pod_name node_name=",
  pod_running: "execution_id pod_name container_statuses=",
  pod_succeeded: "execution_id pod_name exit_code= stdout? stderr?",
  pod_failed: "execution_id pod_name exit_code= reason? message? stdout? stderr?",
  pod_terminated: "execution_id pod_name exit_code= reason? message?",
  pod_deleted: "execution_id pod_name reason?",
  user_registered: "user_id username email",
  user_login: "user_id login_method ip_address? user_agent?",
  user_logged_in: "user_id login_method ip_address? user_agent?",
  user_logged_out: "user_id logout_reason?",
  user_updated: "user_id updated_fields= updated_by?",
  user_deleted: "user_id deleted_by? reason?",
  user_settings_updated: "user_id changed_fields= reason?",
  notification_created: "notification_id user_id subject body severity tags= channels=",
  notification_sent: "notification_id user_id channel sent_at",
  notification_delivered: "notification_id user_id channel delivered_at",
  notification_failed: "notification_id user_id channel error retry_count=",
  notification_read: "notification_id user_id read_at",
  notification_all_read: "user_id count read_at",
  notification_clicked: "notification_id user_id clicked_at action?",
  notification_preferences_updated: "user_id changed_fields=",
  script_saved: "script_id user_id title language",
  script_deleted: "script_id user_id deleted_by?",
  script_shared: "script_id shared_by shared_with= permissions",
  security_violation: "user_id? violation_type details ip_address?",
  rate_limit_exceeded: "user_id? endpoint limit window_seconds",
  auth_failed: "username? reason ip_address?",
  resource_limit_exceeded: "resource_type limit requested user_id?",
  quota_exceeded: "quota_type limit current_usage user_id",
  system_error: "error_type message service_name stack_trace?",
  service_unhealthy: "service_name health_check reason",
  service_recovered: "service_name health_check downtime_seconds",
  result_stored: "execution_id storage_type? storage_path= size_bytes=",
  result_failed: "execution_id storage_type?",
  saga_started: "saga_id saga_name execution_id initial_event_id",
  saga_completed: "saga_id saga_name execution_id completed_steps=",
  saga_failed: "saga_id saga_name execution_id failed_step error",
  saga_cancelled: "saga_id saga_name execution_id reason completed_steps= compensated_steps= cancelled_at? cancelled_by?",
  saga_compensating: "saga_id saga_name execution_id compensating_step",
  saga_compensated: "saga_id saga_name execution_id compensated_steps=",
  create_pod_command: "saga_id execution_id script language language_version runtime_image runtime_command= runtime_filename timeout_seconds cpu_limit memory_limit cpu_request memory_request priority=",
  delete_pod_command: "saga_id execution_id reason pod_name? namespace?",
  allocate_resources_command: "execution_id cpu_request memory_request",
  release_resources_command: "execution_id cpu_request memory_request",
  dlq_message_received: "dlq_event_id original_topic original_event_type error retry_count producer_id failed_at",
  dlq_message_retried: "dlq_event_id original_topic original_event_type retry_count retry_topic",
  dlq_message_discarded: "dlq_event_id original_topic original_event_type reason retry_count",} as const;

type UpstreamEventType = keyof typeof upstream;

interface UpstreamField {
  readonly name: string;
  readonly kind: "required" | "default" | "nullable";
}

function fieldsOf(type: UpstreamEventType): UpstreamField[] {
  return upstream[type].split(" ").map((token) => {
    const kind = token.endsWith("?") ? "nullable" : token.endsWith("=") ? "default" : "required";
    return { name: kind === "required" ? token : token.slice(0, -1), kind };
  });
}

/** The `data` part of a contract's payload schema (the second member of its `allOf`, dereferenced). */
function dataSchema(contract: EventContract): { properties: Record<string, unknown>; required?: string[] } {
  const parts = (contract.schema as { allOf: { properties?: { data?: unknown } }[] }).allOf;
  return parts.find((part) => part.properties?.data !== undefined)?.properties?.data as { properties: Record<string, unknown>; required?: string[] };
}

const upstreamTypes = Object.keys(upstream) as UpstreamEventType[];
const integr8scodeTypes = () => [...new Set(sdk.contracts.filter((contract) => contract.system === "integr8scode").map((contract) => contract.type))];

describe("contracts - Integr8sCode against upstream", () => {
  test("every upstream EventType value has a contract, and the spec declares no type upstream lacks", () => {
    expect(upstreamTypes).toHaveLength(57);
    expect(upstreamTypes.filter((type) => sdk.registry.latest(type) === undefined)).toEqual([]);
    expect(integr8scodeTypes().filter((type) => !(type in upstream))).toEqual([]);
  });

  test("the discriminated union of the system covers exactly upstream's types", () => {
    expectTypeOf<sdk.Integr8scodeEvent["type"]>().toEqualTypeOf<UpstreamEventType>();
    expectTypeOf<Extract<sdk.Integr8scodeEvent, { type: "execution_completed"; version: 2 }>>().toEqualTypeOf<sdk.ExecutionCompletedV2>();
    expect(integr8scodeTypes().sort()).toEqual([...upstreamTypes].sort());
  });

  test("the latest version of each type has upstream's field names, required where upstream has no default", () => {
    const mismatches: string[] = [];
    for (const type of upstreamTypes) {
      const data = dataSchema(sdk.registry.latest(type) as EventContract);
      const fields = fieldsOf(type);
      const names = fields.map((field) => field.name).sort();
      const required = fields.filter((field) => field.kind === "required").map((field) => field.name).sort();
      if (JSON.stringify(Object.keys(data.properties).sort()) !== JSON.stringify(names)) mismatches.push(`${type}: fields ${Object.keys(data.properties).sort().join(", ")} instead of ${names.join(", ")}`);
      if (JSON.stringify([...(data.required ?? [])].sort()) !== JSON.stringify(required)) mismatches.push(`${type}: required ${[...(data.required ?? [])].sort().join(", ")} instead of ${required.join(", ")}`);
    }
    expect(mismatches).toEqual([]);
  });

  test("an event as upstream serializes it validates: optional fields absent, and `X | None` fields null", () => {
    const refused: string[] = [];
    for (const type of upstreamTypes) {
      const contract = sdk.registry.latest(type) as EventContract;
      const example = structuredClone(exampleOf(contract));
      const data = example["data"] as Record<string, unknown>;
      for (const field of fieldsOf(type)) if (field.kind !== "required") delete data[field.name];
      if (!contract.validate(example)) refused.push(`${type} without its optional fields: ${JSON.stringify(contract.validate.errors)}`);
      for (const field of fieldsOf(type)) if (field.kind === "nullable") data[field.name] = null;
      if (!contract.validate(example)) refused.push(`${type} with nulls: ${JSON.stringify(contract.validate.errors)}`);
    }
    expect(refused).toEqual([]);
  });

  test("a field upstream does not define is refused (the data objects are closed, but for user_settings_updated, which upstream leaves open)", () => {
    const accepted = upstreamTypes.filter((type) => {
      const contract = sdk.registry.latest(type) as EventContract;
      const example = structuredClone(exampleOf(contract));
      (example["data"] as Record<string, unknown>)["output"] = "Hello";
      return contract.validate(example);
    });
    expect(accepted).toEqual(["user_settings_updated"]);
  });

  test("v1 events of the first 17 types reach upstream's shape: output becomes stdout, a priority number a queue priority", () => {
    const v1 = (type: string, data: JsonObject): JsonObject => ({ id: "0b1c1f4e-3a0e-4d55-9b4e-1f6f1d2c3b4a", type, version: 1, aggregateId: executionId, aggregateType: "execution", timestamp: "2025-12-04T10:30:00Z", metadata: {}, data });
    const completed = sdk.registry.upcast(v1("execution_completed", { execution_id: executionId, exit_code: 0, output: "Hello\n", runtime_ms: 180 }), "execution_completed", 1);
    expect(completed["data"]).toEqual({ execution_id: executionId, exit_code: 0, stdout: "Hello\n", stderr: "", resource_usage: { execution_time_wall_seconds: 0.18, cpu_time_jiffies: 0, clk_tck_hertz: 0, peak_memory_kb: 0 } });
    const failed = sdk.registry.upcast(v1("execution_failed", { execution_id: executionId, error: "SyntaxError", error_type: "script_error", output: "" }), "execution_failed", 1);
    expect(failed["data"]).toEqual({ execution_id: executionId, error_type: "script_error", stdout: "", stderr: "SyntaxError" });
    const requested = sdk.registry.upcast(
      v1("execution_requested", { execution_id: executionId, script: "print(1)", language: "python", language_version: "3.11", runtime_image: "python:3.11-slim", runtime_command: ["python"], runtime_filename: "main.py", priority: 2, stdin: "" }),
      "execution_requested",
      1,
    );
    expect(requested["data"]).toMatchObject({ priority: "high", timeout_seconds: 300, cpu_limit: "1000m", memory_request: "128Mi" });
    expect(requested["data"]).not.toHaveProperty("stdin");
  });
});
