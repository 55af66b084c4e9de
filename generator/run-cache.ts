/**
 * The content-hash cache of `evc generate` and `evc check`: a run whose every input (the spec files
 * read, the specs and upcasters folders, the configuration, the lock) hashes as it did after an
 * earlier run, with the same tool, options and Node, and whose output folder still holds exactly
 * the files that run generated, would do nothing new; its outcome is replayed instead. Anything
 * that differs, or an entry that cannot be read, means a full run. Entries live in
 * `node_modules/.cache/evc/` of the working directory, or `EVC_CACHE_DIR`.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { toolFile, toolVersion } from "./version.js";

/** The hash recorded for a file or folder that does not exist. */
const absent = "absent";

/** What an entry says about the inputs and the output of the run that wrote it. */
export interface CacheEntry<Outcome> {
  /** Hash of each input file (absolute path), as the run read it. */
  readonly files: Readonly<Record<string, string>>;
  /** Hash of each input folder (absolute path): its files' paths and contents. */
  readonly folders: Readonly<Record<string, string>>;
  /** The output folder and the hash of the files the run generated into it. */
  readonly output: { readonly dir: string; readonly hash: string };
  /** What the run reported, to report again. */
  readonly outcome: Outcome;
}

/** One hash of a file's content; `absent` when it does not exist. */
export function hashFile(path: string): string {
  try {
    return hashText(readFileSync(path));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return absent;
    throw error;
  }
}

/** The hash of a text or buffer. */
export function hashText(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

/** The hash of a folder's files (paths relative to it, `/`-separated, and contents); `absent` when it does not exist. */
export function hashFolder(folder: string): string {
  if (!existsSync(folder)) return absent;
  if (!statSync(folder).isDirectory()) return hashFile(folder);
  const files = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
  return hashListing(new Map(files.map((path) => [relative(folder, path).split(sep).join("/"), hashFile(path)])));
}

/** The hash `hashFolder` gives a folder holding exactly these files (relative path → text). */
export function hashPlannedFolder(files: ReadonlyMap<string, string>): string {
  return hashListing(new Map([...files].map(([path, text]) => [path, hashText(text)])));
}

function hashListing(hashes: ReadonlyMap<string, string>): string {
  const hash = createHash("sha256");
  for (const path of [...hashes.keys()].sort()) hash.update(`${path}\u0000${hashes.get(path) ?? ""}\u0000`);
  return hash.digest("hex");
}

/**
 * What identifies the tool that runs: its version and Node's, the size and modification time of
 * each code file of the tool and of the runtime package whose helpers it calls (a rebuild changes
 * them; the compiled tool's Modelina is one of them, its bundle), and the manifests of the parser and
 * Modelina (which the sources run).
 */
export function toolFingerprint(): string {
  const hash = createHash("sha256").update(`${toolVersion}\u0000${process.version}\u0000`);
  const tool = dirname(fileURLToPath(import.meta.url));
  const runtime = dirname(findPackageManifest("@evc/runtime"));
  for (const [root, skipped] of [[tool, ["node_modules", "dist"]], [runtime, ["node_modules", "test"]]] as const) {
    for (const path of codeFiles(root, skipped)) {
      const stat = statSync(path);
      hash.update(`${path}\u0000${stat.size}\u0000${stat.mtimeMs}\u0000`);
    }
  }
  for (const dependency of ["@asyncapi/parser", "@asyncapi/modelina"]) hash.update(`${dependency}\u0000${hashFile(findPackageManifest(dependency))}\u0000`);
  return hash.digest("hex");
}

/** The code files below a folder (`.js`, `.ts`, `.json`, `.yaml`), leaving out folders by name. */
function codeFiles(folder: string, skipped: readonly string[]): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return skipped.includes(entry.name) ? [] : codeFiles(path, skipped);
    return /\.(js|ts|json|ya?ml)$/.test(entry.name) ? [path] : [];
  });
}

/** The `package.json` of a dependency, as Node would find it from the tool's folder. */
function findPackageManifest(name: string): string {
  for (let folder = toolFile("."); ; folder = dirname(folder)) {
    const manifest = join(folder, "node_modules", name, "package.json");
    if (existsSync(manifest)) return manifest;
    if (dirname(folder) === folder) return manifest;
  }
}

/** The folder entries are kept in: `EVC_CACHE_DIR`, else `node_modules/.cache/evc` of the working directory. */
export function cacheFolder(cwd: string, env: Readonly<Record<string, string | undefined>>): string {
  const given = env["EVC_CACHE_DIR"];
  return given !== undefined && given !== "" ? resolve(cwd, given) : join(cwd, "node_modules", ".cache", "evc");
}

/** The cache entries of one folder, each under a key that names the command, its options and the tool. */
export class RunCache {
  readonly #folder: string;

  constructor(folder: string) {
    this.#folder = folder;
  }

  /** The key of a run: a hash of everything that decides its outcome besides the input files (command, options, configuration text, tool). */
  static key(parts: Readonly<Record<string, unknown>>): string {
    return hashText(`${JSON.stringify(parts)}\u0000${toolFingerprint()}`);
  }

  /** The outcome recorded under `key`, if every input and the output still hash as recorded; undefined otherwise. */
  fresh<Outcome>(key: string): Outcome | undefined {
    const entry = this.#read<Outcome>(key);
    if (entry === undefined) return undefined;
    for (const [path, hash] of Object.entries(entry.files)) if (hashFile(path) !== hash) return undefined;
    for (const [path, hash] of Object.entries(entry.folders)) if (hashFolder(path) !== hash) return undefined;
    return hashFolder(entry.output.dir) === entry.output.hash ? entry.outcome : undefined;
  }

  /** Record an entry; a cache that cannot be written is left as it is (the next run is a full one). */
  store<Outcome>(key: string, entry: CacheEntry<Outcome>): void {
    const path = this.#path(key);
    try {
      mkdirSync(this.#folder, { recursive: true });
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(entry));
      renameSync(temporary, path);
    } catch {
      // A read-only or missing node_modules costs speed, never correctness.
    }
  }

  #read<Outcome>(key: string): CacheEntry<Outcome> | undefined {
    try {
      return JSON.parse(readFileSync(this.#path(key), "utf8")) as CacheEntry<Outcome>;
    } catch {
      return undefined;
    }
  }

  #path(key: string): string {
    return join(this.#folder, `${key}.json`);
  }
}
