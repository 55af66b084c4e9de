/** Tidying of ajv's standalone code, for the SDK's validators module and the precompiled AsyncAPI meta-schemas alike. */

const schemaConstant = /^const (schema\d+) = .*;\n/gm;
const schemaName = /\bschema\d+\b/g;

/**
 * ajv's standalone code declares the schema of every function it compiles (`const schema6 = {...}`),
 * used or not; a schema whose name appears nowhere else is dropped, which leaves the code the same.
 * The code must have been generated with ajv's `code.lines`, one declaration a line.
 */
export function withoutUnusedSchemas(code: string): string {
  const uses = new Map<string, number>();
  for (const [name] of code.matchAll(schemaName)) uses.set(name, (uses.get(name) ?? 0) + 1);
  return code.replace(schemaConstant, (line: string, name: string) => (uses.get(name) === 1 ? "" : line));
}
