import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Parser } from "@asyncapi/parser";

/** The public AsyncAPI documents of the shared corpus (beside the repository, as CI lays it out). */
export const corpus = resolve(import.meta.dirname, "../../../shared/corpus/asyncapi");

/** One corpus document: its name and its entry file. */
export interface CorpusEntry {
  readonly name: string;
  readonly entry: string;
}

/** Every document the corpus manifest lists. */
export function corpusEntries(): CorpusEntry[] {
  const [, ...rows] = readFileSync(join(corpus, "MANIFEST.tsv"), "utf8").trim().split("\n");
  return rows.map((row) => {
    const cells = row.split("\t");
    return { name: cells[0] as string, entry: join(corpus, cells[0] as string, cells[7] as string) };
  });
}

/** Whether @asyncapi/parser accepts a document (some corpus documents are broken on purpose). */
export async function parserAccepts(file: string): Promise<boolean> {
  const { document } = await new Parser().parse(readFileSync(file, "utf8"), { source: file });
  return document !== undefined;
}
