/**
 * Lays the whole SDK out: one module per event version (class, contract, the models only it uses),
 * shared models in `<system>/models.ts` or `models.ts`, the shared schemas, the registry, and the
 * index with the unions and type constants; the standalone validators are `validators.ts`'s.
 */
import type { SharedSchemas } from "../shared-schemas.js";
import type { ContractModel, EventModel } from "../model.js";
import { commentQuote, systemUnionName, unionName } from "../naming.js";
import { requestOperations, type RequestOperationModel } from "../request-operations.js";
import { contractName, jsonTypeName } from "./event-class.js";
import { eventModule } from "./event-file.js";
import { eventFile, importBetween, runtimeImport, schemasFile, type Layout } from "./layout.js";
import { jsonLiteral } from "./literal.js";
import type { EventModels, RenderedModel } from "./render-cache.js";
import { preamble } from "./preamble.js";
import { schemasModule } from "./schemas-file.js";
import { SourcePrinter, type NamedImport } from "./source-file.js";

/** Every generated file, by path relative to the output folder. */
export type GeneratedFiles = Map<string, string>;

/**
 * Emit every file of the SDK but the validators module (`validators.ts` writes it, from the compiler),
 * for a model whose events' Modelina models are rendered; `shared` are the subschemas its events share.
 */
export function emitSdk(model: ContractModel, shared: SharedSchemas, layout: Layout, rendered: readonly EventModels[]): GeneratedFiles {
  const printer = new SourcePrinter();
  const files: GeneratedFiles = new Map();
  if (shared.list.length > 0) files.set(schemasFile, printer.print(schemasModule(shared, layout)));
  files.set("registry.ts", printer.print(registryModule(model, layout)));
  const placement = placeModels(rendered);
  for (const entry of rendered) {
    const file = eventFile(entry.event);
    const models = placement.modelsOf(file);
    files.set(file, printer.print(eventModule(entry, models, placement.importsFor(file, models), shared, layout)));
  }
  for (const file of placement.sharedFiles()) {
    const models = placement.modelsOf(file);
    files.set(file, printer.print({ header: preamble("every spec (models shared by several events)"), named: placement.importsFor(file, models), statements: models.map((m) => m.code) }));
  }
  files.set("index.ts", printer.print(indexModule(model, rendered, placement)));
  return files;
}

interface Placement {
  /** The models a file holds, the event class first. */
  modelsOf(file: string): RenderedModel[];
  /** The type imports a file's models need from other files. */
  importsFor(file: string, models: readonly RenderedModel[]): NamedImport[];
  /** The files of shared models. */
  sharedFiles(): string[];
  /** The file a model lives in. */
  fileOf(name: string): string;
}

function placeModels(rendered: readonly EventModels[]): Placement {
  const code = new Map<string, RenderedModel>();
  const owners = new Map<string, Set<EventModel>>();
  for (const { event, models } of rendered) {
    for (const model of models) {
      if (!code.has(model.name)) code.set(model.name, model);
      owners.set(model.name, (owners.get(model.name) ?? new Set()).add(event));
    }
  }
  const home = new Map<string, string>();
  for (const [name, events] of owners) {
    const list = [...events];
    const systems = new Set(list.map((event) => event.system));
    home.set(name, list.length === 1 ? eventFile(list[0] as EventModel) : systems.size === 1 ? `${[...systems][0]}/models.ts` : "models.ts");
  }
  const byFile = new Map<string, RenderedModel[]>();
  for (const [name, file] of home) byFile.set(file, [...(byFile.get(file) ?? []), code.get(name) as RenderedModel]);
  for (const [file, models] of byFile) {
    byFile.set(
      file,
      models.sort((a, b) => (a.kind === "class" ? -1 : b.kind === "class" ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    );
  }
  return {
    modelsOf: (file) => byFile.get(file) ?? [],
    fileOf: (name) => home.get(name) as string,
    sharedFiles: () => [...byFile.keys()].filter((file) => file.endsWith("models.ts")).sort(),
    importsFor(file, models) {
      const needed = new Map<string, Set<string>>();
      for (const model of models) {
        for (const used of model.uses) {
          const target = home.get(used);
          if (target === undefined || target === file) continue;
          needed.set(target, (needed.get(target) ?? new Set()).add(used));
        }
      }
      return [...needed]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([target, names]) => ({ from: importBetween(file, target), names: [...names], typeOnly: true }));
    },
  };
}

function registryModule(model: ContractModel, layout: Layout) {
  const topology = { streams: model.systems.flatMap((system) => system.streams), buckets: model.systems.flatMap((system) => system.buckets) };
  const contracts = model.events.map((event) => ({ from: importBetween("registry.ts", eventFile(event)), names: [contractName(event)], typeOnly: false }));
  const classes = model.events.map((event) => ({ from: importBetween("registry.ts", eventFile(event)), names: [event.className], typeOnly: true }));
  const types = [...new Set(model.events.map((event) => event.type))];
  const versionsOf = (type: string) => model.events.filter((event) => event.type === type);
  const latestOf = (type: string) => versionsOf(type).at(-1) as EventModel;
  return {
    header: preamble("every spec (the registry)"),
    namespaces: { $evc: runtimeImport(layout, "registry.ts") },
    named: [...contracts, ...classes],
    statements: [
      `/** The JetStream streams, dead-letter streams, consumer defaults and key-value buckets the specs declare. */\nconst topology: $evc.JetStreamTopology = ${jsonLiteral(topology)};`,
      `/** Every contract, by type then version. */\nconst contracts: readonly $evc.EventContract[] = [\n${model.events.map((event) => `  ${contractName(event)},`).join("\n")}\n];`,
      ...types.flatMap((type) => eventTypeHandle(type, versionsOf(type))),
      `/** Every event of every type and version, discriminated by \`type\` and \`version\`. */\ntype AnyEvent = ${types.length === 0 ? "never" : types.map(unionName).join(" | ")};`,
      ...model.systems.map((system) => {
        const own = types.filter((type) => versionsOf(type)[0]?.system === system.name);
        return `/** Every event of ${commentQuote(system.name)}, every type and version, discriminated by \`type\` and \`version\`. */\ntype ${systemUnionName(system.name)} = ${own.length === 0 ? "never" : own.map(unionName).join(" | ")};`;
      }),
      `/** The latest version of every event type, by type: what the typed API hands subscribers. */\ninterface LatestEvents {\n${types.map((type) => `  ${JSON.stringify(type)}: ${latestOf(type).className};`).join("\n")}\n}`,
      `/** Every version of every event type, by type and version. */\ninterface EventVersions {\n${types
        .map((type) => `  ${JSON.stringify(type)}: { ${versionsOf(type).map((event) => `${event.version}: ${event.className}`).join("; ")} };`)
        .join("\n")}\n}`,
      ...requestOperations(model.events).map(requestOperation),
      "/** Every event by type and version: class, schema, validator, subject, stream and upcasters; typed by `LatestEvents`. */\nconst registry: $evc.Registry<LatestEvents> = $evc.createRegistry<LatestEvents>({ contracts, topology });",
    ],
  };
}

/** A request/reply operation for `SuspensionManager.request`: its request handle and reply handles, typed. */
function requestOperation(operation: RequestOperationModel): string {
  const reply = operation.replies.map((event) => event.className).join(" | ");
  return [
    `/** The request/reply operation ${commentQuote(operation.id)}: sends ${commentQuote(operation.request.type)}, answered by ${operation.replies.map((event) => commentQuote(event.type)).join(" or ")}. */`,
    `const ${operation.name}: $evc.RequestOperation<${operation.request.className}, ${reply}> = $evc.defineRequest<${operation.request.className}, ${reply}>(${JSON.stringify(operation.id)}, ${unionName(operation.request.type)}, [${operation.replies.map((event) => unionName(event.type)).join(", ")}]);`,
  ].join("\n");
}

/** The union of an event type's versions and, under the same name, its handle for the typed API: two statements. */
function eventTypeHandle(type: string, versions: readonly EventModel[]): string[] {
  const name = unionName(type);
  const latest = versions.at(-1) as EventModel;
  return [
    `/** Every version of ${commentQuote(type)}, discriminated by \`version\`. */\ntype ${name} = ${versions.map((event) => event.className).join(" | ")};`,
    `/** ${commentQuote(type)} for the typed API (\`create\`, \`subscribe\`, the event store): its versions, the latest v${latest.version}. */\nconst ${name}: $evc.EventTypeHandle<${JSON.stringify(type)}, ${latest.className}, ${name}> = $evc.defineEventType<${JSON.stringify(type)}, ${latest.className}, ${name}>(${JSON.stringify(type)}, [${versions.map(contractName).join(", ")}]);`,
  ];
}

function indexModule(model: ContractModel, rendered: readonly EventModels[], placement: Placement) {
  const reexports = new Map<string, string[]>();
  const add = (file: string, name: string) => reexports.set(file, [...(reexports.get(file) ?? []), name]);
  for (const { event } of rendered) {
    add(eventFile(event), event.className);
    add(eventFile(event), contractName(event));
    add(eventFile(event), `type ${jsonTypeName(event)}`);
  }
  for (const { event } of rendered) {
    for (const model of placement.modelsOf(eventFile(event))) if (model.kind !== "class") add(eventFile(event), `type ${model.name}`);
  }
  for (const file of placement.sharedFiles()) for (const model of placement.modelsOf(file)) add(file, `type ${model.name}`);
  const exports = [...reexports]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([file, names]) => `export { ${[...new Set(names)].join(", ")} } from ${JSON.stringify(importBetween("index.ts", file))};`);

  const types = [...new Set(model.events.map((event) => event.type))];
  const statements = [
    'export * from "./registry.js";',
    ...exports,
    `/** Every event type, by name (seed 004's EventType). */\nconst EventType = {\n${types.map((type) => `  ${unionName(type)}: ${JSON.stringify(type)},`).join("\n")}\n} as const;`,
    "/** An event type string. */\ntype EventType = (typeof EventType)[keyof typeof EventType];",
  ];
  return { header: preamble("every spec (the index)"), statements };
}
