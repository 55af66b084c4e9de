/** `schemas.ts`: the schemas several events share, each defined once as a constant. */
import type { SharedSchemas } from "../shared-schemas.js";
import { runtimeImport, schemasFile, type Layout } from "./layout.js";
import { commentQuote } from "../naming.js";
import { jsonLiteral } from "./literal.js";
import { preamble } from "./preamble.js";
import type { SourceFileSpec } from "./source-file.js";

/** The file spec of the shared schemas: constants that the contracts' schemas, and one another, are composed of. */
export function schemasModule(shared: SharedSchemas, layout: Layout): SourceFileSpec {
  return {
    header: preamble("every spec (schemas shared by several events)"),
    namespaces: { $evc: runtimeImport(layout, schemasFile) },
    statements: shared.list.map(
      (schema) =>
        `/** The schema ${commentQuote(schema.name)}, which several events share. */\nconst ${schema.name}: $evc.JsonSchema = ${jsonLiteral(schema.schema, "", (node) => shared.sharedAs(node)?.name)};`,
    ),
  };
}
