// The yardstick of a cold full generation (bench/generator.ts): a new process that reads every spec
// of a folder (`node bench/plain-parse.mjs <folder>`) with `@asyncapi/parser` as it comes, its own
// rulesets, traits applied, and does nothing else; it fails on a spec the parser rejects. Plain
// JavaScript, so that no loader of ours is timed with it.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Parser } from "@asyncapi/parser";

const folder = resolve(process.argv[2] ?? "asyncapi");
const parser = new Parser();
for (const name of readdirSync(folder).filter((file) => file.endsWith(".yaml")).sort()) {
  const path = join(folder, name);
  const { document, diagnostics } = await parser.parse(readFileSync(path, "utf8"), { source: path, applyTraits: true });
  if (document === undefined) throw new Error(`${path}: ${diagnostics.map((diagnostic) => diagnostic.message).join("; ")}`);
}
