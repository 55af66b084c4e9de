/**
 * fast-check arbitraries for the property tests (compatibility, and the generator over drawn payloads): JSON Schemas of the kinds event
 * payloads use (objects open, closed and partially open, arrays and tuples, bounded strings and
 * numbers, patterns, formats, enums, consts, nullable types, anyOf/oneOf/allOf), edits of a schema
 * that keep it close to the original (so that compatible pairs are common), and values a schema
 * accepts. Values are drawn to fit their schema; the tests still check them with ajv.
 */
import fc from "fast-check";

/** A JSON Schema as these arbitraries build it. */
export type Schema = { [keyword: string]: unknown };

/** Patterns with the characters and lengths of the strings they accept. */
const patterns: Record<string, { chars: string; min: number; max: number }> = {
  "^[a-z]+$": { chars: "abcxyz", min: 1, max: 8 },
  "^[A-Z]{3}$": { chars: "EURSDGBP", min: 3, max: 3 },
  "^[0-9]*$": { chars: "0123456789", min: 0, max: 8 },
};
const formats = ["uuid", "date-time", "email"];
const names = ["a", "b", "c", "d", "e"];
/** Names of undeclared properties that values of open objects carry: some collide with names edits declare. */
const extraNames = ["c", "d", "e", "f", "x_1"];
const patternKey = "^x_";
/** What stands for "no value fits": the test skips such draws. */
export const unsatisfiable = Symbol("unsatisfiable");

const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });
const defined = (schema: Record<string, unknown>): Schema => Object.fromEntries(Object.entries(schema).filter(([, value]) => value !== undefined));

const stringSchema: fc.Arbitrary<Schema> = fc.oneof(
  fc.record({ minLength: optional(fc.integer({ min: 0, max: 3 })), maxLength: optional(fc.integer({ min: 3, max: 10 })) }).map((bounds) => defined({ type: "string", ...bounds })),
  fc.constantFrom(...Object.keys(patterns)).map((pattern) => ({ type: "string", pattern })),
  fc.constantFrom(...formats).map((format) => ({ type: "string", format })),
  fc.uniqueArray(fc.constantFrom("red", "green", "blue", "cyan"), { minLength: 1, maxLength: 3 }).map((values) => ({ type: "string", enum: values })),
);

const numberSchema: fc.Arbitrary<Schema> = fc
  .record({
    type: fc.constantFrom("integer", "number"),
    minimum: optional(fc.integer({ min: -50, max: 0 })),
    maximum: optional(fc.integer({ min: 10, max: 100 })),
    exclusiveMinimum: optional(fc.integer({ min: -60, max: -51 })),
    multipleOf: optional(fc.constantFrom(1, 2, 5)),
  })
  .map(defined);

const leafSchema: fc.Arbitrary<Schema> = fc.oneof(
  { weight: 3, arbitrary: stringSchema },
  { weight: 3, arbitrary: numberSchema },
  { weight: 1, arbitrary: fc.constant({ type: "boolean" }) },
  { weight: 1, arbitrary: fc.constantFrom({ const: "fixed" }, { const: 7 }, { enum: [1, "one", null] }) },
);

/** Add "null" to a typed schema's type (and its enum), making it nullable. */
function nullable(schema: Schema): Schema {
  if (typeof schema["type"] !== "string" || schema["type"] === "null") return schema;
  const out: Schema = { ...schema, type: [schema["type"], "null"] };
  if (Array.isArray(schema["enum"])) out["enum"] = [...schema["enum"], null];
  return out;
}

/** A schema tree, `depth` levels of objects and arrays at the most. */
export function schemaArbitrary(depth = 2): fc.Arbitrary<Schema> {
  const child = depth === 0 ? leafSchema : schemaArbitrary(depth - 1);
  const field = fc.oneof({ weight: 4, arbitrary: child }, { weight: 1, arbitrary: child.map(nullable) });
  const object = fc
    .record({
      properties: fc.dictionary(fc.constantFrom(...names), field, { minKeys: 1, maxKeys: 3 }),
      requiredShare: fc.integer({ min: 0, max: 3 }),
      additional: fc.constantFrom("absent", "true", "false", "schema"),
      pattern: fc.boolean(),
      rest: leafSchema,
    })
    .map(({ properties, requiredShare, additional, pattern, rest }) => {
      const schema: Schema = { type: "object", properties, required: Object.keys(properties).slice(0, requiredShare) };
      if (additional === "true") schema["additionalProperties"] = true;
      if (additional === "false") schema["additionalProperties"] = false;
      if (additional === "schema") schema["additionalProperties"] = rest;
      if (pattern) schema["patternProperties"] = { [patternKey]: rest };
      return schema;
    });
  const array = fc.oneof(
    fc
      .record({ items: child, minItems: optional(fc.integer({ min: 0, max: 1 })), maxItems: optional(fc.integer({ min: 2, max: 4 })), uniqueItems: optional(fc.constant(true)) })
      .map((schema) => defined({ type: "array", ...schema })),
    fc
      .record({ items: fc.array(leafSchema, { minLength: 1, maxLength: 3 }), additionalItems: fc.constantFrom(undefined, true, false, { type: "string" }) })
      .map((schema) => defined({ type: "array", ...schema })),
  );
  const union = fc
    .shuffledSubarray([stringSchema, numberSchema.map((schema) => ({ ...schema, type: "integer" })), fc.constant({ type: "boolean" }), fc.constant({ type: "null" })], {
      minLength: 2,
      maxLength: 3,
    })
    .chain((branches) => fc.tuple(fc.tuple(...branches), fc.constantFrom("anyOf", "oneOf")))
    .map(([branches, criterion]) => ({ [criterion]: branches }));
  const envelope = fc
    .tuple(object, object)
    .filter(([a, b]) => disjointProperties(a, b))
    .map(([a, b]) => ({ allOf: [open(a), open(b)] }));
  return fc.oneof({ weight: 2, arbitrary: field }, { weight: 4, arbitrary: object }, { weight: 2, arbitrary: array }, { weight: 1, arbitrary: union }, { weight: 1, arbitrary: envelope });
}

function open(schema: Schema): Schema {
  const { additionalProperties: _, patternProperties: __, ...rest } = schema;
  return rest;
}

function disjointProperties(a: Schema, b: Schema): boolean {
  const keys = (schema: Schema) => Object.keys(schema["properties"] as object);
  return !keys(a).some((key) => keys(b).includes(key));
}

/** A schema next to the given one: one edit at one place (a bound, a type, a property, a content model, an alternative). */
export function editedArbitrary(schema: Schema): fc.Arbitrary<Schema> {
  const places = placesOf(schema);
  return fc.constantFrom(...places).chain((path) => editAt(schema, path));
}

type Path = readonly (string | number)[];

function placesOf(schema: unknown, path: Path = []): Path[] {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return [];
  const node = schema as Schema;
  const found: Path[] = [path];
  for (const [name, child] of Object.entries((node["properties"] as Record<string, unknown>) ?? {})) found.push(...placesOf(child, [...path, "properties", name]));
  if (typeof node["items"] === "object" && !Array.isArray(node["items"])) found.push(...placesOf(node["items"], [...path, "items"]));
  for (const criterion of ["allOf", "anyOf", "oneOf"]) {
    const list = node[criterion];
    if (Array.isArray(list)) list.forEach((branch, index) => found.push(...placesOf(branch, [...path, criterion, index])));
  }
  return found;
}

function editAt(schema: Schema, path: Path): fc.Arbitrary<Schema> {
  const node = path.reduce<unknown>((value, key) => (value as Record<string | number, unknown>)[key], schema) as Schema;
  return edits(node).map((edited) => replaceAt(schema, path, edited));
}

function replaceAt(schema: unknown, path: Path, value: Schema): Schema {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy = (Array.isArray(schema) ? [...schema] : { ...(schema as Schema) }) as Record<string | number, unknown>;
  copy[head] = replaceAt(copy[head], rest, value);
  return copy as Schema;
}

function edits(node: Schema): fc.Arbitrary<Schema> {
  const set = (keyword: string, value: unknown): Schema => defined({ ...node, [keyword]: value });
  const bound = (keyword: string, values: fc.Arbitrary<number | undefined>) => values.map((value) => set(keyword, value));
  const type = node["type"];
  const choices: fc.Arbitrary<Schema>[] = [leafSchema];
  if (type === "string" || (Array.isArray(type) && type.includes("string"))) {
    choices.push(
      bound("minLength", optional(fc.integer({ min: 0, max: 4 }))),
      bound("maxLength", optional(fc.integer({ min: 3, max: 12 }))),
      fc.constantFrom(undefined, ...formats).map((format) => set("format", format)),
    );
    if (Array.isArray(node["enum"])) choices.push(fc.uniqueArray(fc.constantFrom("red", "green", "blue", "cyan", null), { minLength: 1, maxLength: 4 }).map((values) => set("enum", values)));
  }
  if (type === "integer" || type === "number") {
    choices.push(
      fc.constantFrom("integer", "number").map((kind) => set("type", kind)),
      bound("minimum", optional(fc.integer({ min: -55, max: 5 }))),
      bound("maximum", optional(fc.integer({ min: 5, max: 120 }))),
      bound("multipleOf", optional(fc.constantFrom(1, 2, 4, 5, 10))),
    );
  }
  if (typeof type === "string" && type !== "object" && type !== "array" && type !== "null") choices.push(fc.constant(nullable(node)));
  if (Array.isArray(type)) choices.push(fc.constant(set("type", type.filter((kind) => kind !== "null"))));
  if (Array.isArray(node["enum"]) || "const" in node) choices.push(fc.constantFrom({ enum: [1, "one"] }, { enum: [1, "one", null, "two"] }, { const: "fixed" }));
  if (type === "object") choices.push(...objectEdits(node, set));
  if (type === "array") {
    choices.push(bound("minItems", optional(fc.integer({ min: 0, max: 2 }))), bound("maxItems", optional(fc.integer({ min: 1, max: 5 }))), fc.boolean().map((unique) => set("uniqueItems", unique ? true : undefined)));
    if (Array.isArray(node["items"])) {
      choices.push(fc.constantFrom(undefined, true, false, { type: "string" }).map((rest) => set("additionalItems", rest)));
      choices.push(leafSchema.map((item) => set("items", [...(node["items"] as unknown[]), item])));
      if ((node["items"] as unknown[]).length > 1) choices.push(fc.constant(set("items", (node["items"] as unknown[]).slice(0, -1))));
    }
  }
  for (const criterion of ["anyOf", "oneOf"]) {
    const branches = node[criterion];
    if (!Array.isArray(branches)) continue;
    choices.push(fc.constant({ anyOf: branches }), fc.constant(set(criterion, branches.slice(1))));
    const kinds = branches.map((branch) => (branch as Schema)["type"]);
    const fresh = ["string", "boolean", "null", "array"].find((kind) => !kinds.includes(kind) && !(kind === "string" && kinds.includes("string")));
    if (fresh !== undefined) choices.push(fc.constant(set(criterion, [...branches, { type: fresh }])));
  }
  return fc.oneof(...choices);
}

function objectEdits(node: Schema, set: (keyword: string, value: unknown) => Schema): fc.Arbitrary<Schema>[] {
  const properties = node["properties"] as Record<string, unknown>;
  const required = (node["required"] as string[] | undefined) ?? [];
  const free = names.filter((name) => !(name in properties));
  const declared = Object.keys(properties);
  const choices: fc.Arbitrary<Schema>[] = [
    fc.constantFrom(undefined, true, false, { type: "string" }).map((rest) => set("additionalProperties", rest)),
    fc.boolean().map((present) => set("patternProperties", present ? { [patternKey]: { type: "integer" } } : undefined)),
  ];
  if (free.length > 0) {
    choices.push(
      fc.tuple(fc.constantFrom(...free), leafSchema, fc.boolean()).map(([name, schema, isRequired]) => ({
        ...node,
        properties: { ...properties, [name]: schema },
        required: isRequired ? [...required, name] : required,
      })),
    );
  }
  if (declared.length > 1) {
    choices.push(
      fc.constantFrom(...declared).map((name) => {
        const { [name]: _, ...rest } = properties;
        return { ...node, properties: rest, required: required.filter((other) => other !== name) };
      }),
    );
  }
  if (declared.length > 0) {
    choices.push(
      fc.constantFrom(...declared).map((name) => ({ ...node, required: required.includes(name) ? required.filter((other) => other !== name) : [...required, name] })),
    );
  }
  return choices;
}

/**
 * Values the schema accepts (as far as these arbitraries can tell; `unsatisfiable` when none can be
 * drawn). Values of open objects carry undeclared properties unless `extras` is false (the parts of
 * an allOf, where one part's undeclared property may be another's declared one).
 */
export function valueArbitrary(schema: unknown, extras = true): fc.Arbitrary<unknown> {
  if (schema === true || schema === undefined) return fc.jsonValue({ maxDepth: 1 });
  if (schema === false || typeof schema !== "object" || schema === null) return fc.constant(unsatisfiable);
  const node = schema as Schema;
  if ("const" in node) return fc.constant(node["const"]);
  if (Array.isArray(node["enum"])) return fc.constantFrom(...(node["enum"] as unknown[]));
  for (const criterion of ["anyOf", "oneOf"]) {
    if (Array.isArray(node[criterion])) return fc.oneof(...(node[criterion] as unknown[]).map((branch) => valueArbitrary(branch, extras)));
  }
  if (Array.isArray(node["allOf"])) {
    return fc.tuple(...(node["allOf"] as unknown[]).map((part) => valueArbitrary(part, false))).map((parts) => (parts.includes(unsatisfiable) ? unsatisfiable : Object.assign({}, ...parts)));
  }
  const type = node["type"];
  if (Array.isArray(type)) return fc.oneof(...type.map((kind) => valueArbitrary({ ...node, type: kind }, extras)));
  switch (type) {
    case "string":
      return stringValue(node);
    case "integer":
    case "number":
      return numberValue(node);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "object":
      return objectValue(node, extras);
    case "array":
      return arrayValue(node);
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

function stringValue(node: Schema): fc.Arbitrary<unknown> {
  const format = node["format"];
  if (format === "uuid") return fc.uuid();
  if (format === "email") return fc.constantFrom("ada@example.com", "grace@example.org");
  if (format === "date-time") return fc.date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true }).map((date) => date.toISOString());
  const shape = patterns[node["pattern"] as string] ?? { chars: "abcdefgh", min: 0, max: 12 };
  const min = Math.max(shape.min, (node["minLength"] as number | undefined) ?? 0);
  const max = Math.min(shape.max, (node["maxLength"] as number | undefined) ?? shape.max);
  if (min > max) return fc.constant(unsatisfiable);
  return fc.string({ unit: fc.constantFrom(...shape.chars), minLength: min, maxLength: max });
}

function numberValue(node: Schema): fc.Arbitrary<unknown> {
  const step = (node["multipleOf"] as number | undefined) ?? (node["type"] === "integer" ? 1 : undefined);
  const low = Math.max((node["minimum"] as number | undefined) ?? -1000, ((node["exclusiveMinimum"] as number | undefined) ?? -1001) + (step === undefined ? 0.5 : 1));
  const high = Math.min((node["maximum"] as number | undefined) ?? 1000, ((node["exclusiveMaximum"] as number | undefined) ?? 1001) - (step === undefined ? 0.5 : 1));
  if (step === undefined) return low > high ? fc.constant(unsatisfiable) : fc.double({ min: low, max: high, noNaN: true, noDefaultInfinity: true });
  const first = Math.ceil(low / step);
  const last = Math.floor(high / step);
  return first > last ? fc.constant(unsatisfiable) : fc.integer({ min: first, max: last }).map((multiple) => multiple * step);
}

function objectValue(node: Schema, withExtras: boolean): fc.Arbitrary<unknown> {
  const properties = (node["properties"] as Record<string, unknown> | undefined) ?? {};
  const required = ((node["required"] as string[] | undefined) ?? []).filter((name) => name in properties);
  const patternsOf = (node["patternProperties"] as Record<string, unknown> | undefined) ?? {};
  const additional = node["additionalProperties"];
  const declared = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, schema]) => [name, valueArbitrary(schema)])),
    { requiredKeys: required },
  );
  const extras = extraNames
    .filter((name) => withExtras && !(name in properties))
    .map((name) => {
      const pattern = Object.keys(patternsOf).find((key) => new RegExp(key, "u").test(name));
      const schema = pattern !== undefined ? patternsOf[pattern] : additional;
      return [name, schema === false ? fc.constant(unsatisfiable) : valueArbitrary(schema)] as const;
    });
  const extra = fc.record(Object.fromEntries(extras), { requiredKeys: [] }).map((values) =>
    Object.fromEntries(Object.entries(values).filter(([, value]) => value !== unsatisfiable)),
  );
  return fc.tuple(declared, extra).map(([known, more]) => {
    const value = { ...more, ...known } as Record<string, unknown>;
    return Object.values(value).includes(unsatisfiable) ? unsatisfiable : value;
  });
}

function arrayValue(node: Schema): fc.Arbitrary<unknown> {
  const items = node["items"];
  if (Array.isArray(items)) {
    const rest = node["additionalItems"];
    const more = rest === false ? fc.constant([]) : fc.array(valueArbitrary(rest), { maxLength: 2 });
    return fc.tuple(fc.tuple(...items.map((item) => valueArbitrary(item))), more).map(([head, tail]) => {
      const value = [...head, ...tail];
      return value.includes(unsatisfiable) ? unsatisfiable : value;
    });
  }
  const min = (node["minItems"] as number | undefined) ?? 0;
  const max = Math.min((node["maxItems"] as number | undefined) ?? 3, 3);
  if (min > max) return fc.constant(unsatisfiable);
  const unique = node["uniqueItems"] === true;
  return fc.array(valueArbitrary(items), { minLength: min, maxLength: max }).map((drawn) => {
    // Dropping repeats (rather than drawing unique items) cannot loop when the items allow few values.
    const value = unique ? drawn.filter((item, index) => drawn.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) === index) : drawn;
    return value.includes(unsatisfiable) || value.length < min ? unsatisfiable : value;
  });
}
