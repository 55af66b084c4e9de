/**
 * `evc generate --watch`: generate, then regenerate whenever a spec, a file one references, an
 * upcaster or the configuration is saved (changes within a short pause make one run). The parser,
 * the spec files read, the schema compiler and Modelina's models are kept between runs, so only
 * files that changed are read and documents parsed again, schemas compiled again only when one
 * changed, and only events that changed are rendered again. Spec errors print
 * as `file:line:col` and leave the output as it was; the watch goes on until interrupted.
 */
import { readdirSync, watch, type Dirent, type FSWatcher } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { configFileName } from "../config-file.js";
import { generate, type GenerateOptions } from "../generate.js";
import { LoadCache } from "../load-cache.js";
import { ModelRenderCache } from "../emit/render-cache.js";
import { SpecParser } from "../parse.js";
import { openRun, recordRun, snapshotInputs, type CacheFlags } from "./cached-runs.js";
import { generateOutcome, reportGenerated, runLockCheck } from "./generate-report.js";
import { ExitCode, type CliIO, type ExitCodeValue } from "./io.js";
import { Reporter } from "./output.js";
import { reportFailure } from "./report.js";
import { generateOptions, readSettings } from "./settings.js";
import { displayPath } from "../paths.js";

/** How long the folders must be quiet after a change before a run starts. */
const settleMs = 100;

/** A folder to watch: all of it (the specs, the upcasters), or only one file of it (the configuration, a referenced file). */
interface Watched {
  readonly folder: string;
  readonly recursive: boolean;
  /** The file names that matter in a folder watched for some of its files only. */
  readonly names?: ReadonlySet<string>;
}

/** Run `evc generate --watch` until interrupted; resolves with exit code 0 once stopped. */
export async function watchGenerate(flags: CacheFlags, io: CliIO): Promise<ExitCodeValue> {
  const parser = new SpecParser();
  const renders = new ModelRenderCache();
  const loads = new LoadCache();
  let unwatch = () => {};
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let stop: () => void = () => {};
  const finished = new Promise<void>((resolve) => (stop = resolve));

  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => (running = running.then(cycle)), settleMs);
  };

  const cycle = async () => {
    if (stopped) return;
    const watched = await runOnce(flags, io, { parser, renders, loads });
    if (stopped) return;
    unwatch();
    unwatch = watchInputs(watched, schedule, (message) => io.stderr(`evc: ${message}\n`));
    io.stdout(`watching ${[...new Set(watched.map((entry) => displayPath(io.cwd, entry.folder)))].join(", ")} for changes (Ctrl-C to stop)\n`);
  };

  io.onInterrupt?.(() => {
    stopped = true;
    clearTimeout(timer);
    unwatch();
    void running.then(stop);
  });
  running = running.then(cycle);
  await finished;
  io.stdout("evc generate --watch: stopped\n");
  return ExitCode.ok;
}

/** One generation run, reported as `evc generate` reports it; returns what to watch for the next one. */
async function runOnce(flags: CacheFlags, io: CliIO, kept: Pick<GenerateOptions, "parser" | "renders" | "loads">): Promise<Watched[]> {
  const started = performance.now();
  const reporter = Reporter.from(io, "generate", {});
  const configFile = resolve(io.cwd, flags.config ?? configFileName);
  const watched: Watched[] = [{ folder: dirname(configFile), recursive: false, names: new Set([basename(configFile)]) }];
  let out = flags.out ?? "the output folder";
  try {
    const settings = await readSettings(flags, io);
    out = displayPath(io.cwd, settings.output.dir);
    const lock = settings.compatibility.lock;
    watched.push({ folder: settings.specs, recursive: true }, { folder: settings.upcasters, recursive: true }, { folder: dirname(lock), recursive: false, names: new Set([basename(lock)]) });
    const run = openRun("generate", flags, io);
    const before = snapshotInputs(settings, flags, io, [lock]);
    const lockCheck = await runLockCheck(settings, io);
    const result = await generate({ ...generateOptions(settings, flags, io), ...kept, whileEmitting: lockCheck.whileEmitting });
    const outcome = generateOutcome(result, lockCheck.gate(result));
    recordRun(run, before, result, outcome);
    for (const path of result.inputs.keys()) if (!isInside(settings.specs, path)) watched.push({ folder: dirname(path), recursive: false, names: new Set([basename(path)]) });
    reportGenerated(reporter, outcome, result.files, performance.now() - started);
  } catch (error) {
    try {
      reportFailure(reporter, error, `${out} left unchanged; fix the specs and save`);
    } catch (unexpected) {
      io.stderr(`evc: ${unexpected instanceof Error ? unexpected.message : String(unexpected)}\n`);
    }
  }
  return watched;
}

/**
 * Watch what this run read; `changed` is told of each relevant change; returns what stops it. Each
 * folder gets a watch of its own, in place when this returns (Node's recursive watch on Linux sets
 * its subfolders up later, and misses early saves); a folder added later changes its parent, and
 * the run that follows watches it too.
 */
function watchInputs(wanted: readonly Watched[], changed: () => void, warn: (message: string) => void): () => void {
  const watchers: FSWatcher[] = [];
  for (const entry of wanted) {
    for (const folder of entry.recursive ? foldersBelow(entry.folder) : [entry.folder]) {
      try {
        const watcher = watch(folder, (_event, name) => {
          if (entry.names === undefined || name === null || entry.names.has(basename(name))) changed();
        });
        watcher.on("error", (error) => {
          watcher.close();
          warn(`stopped watching ${folder}: ${error.message}`);
        });
        watchers.push(watcher);
      } catch (error) {
        // A folder that does not exist yet (no upcasters) is watched once a run finds it.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") warn(`cannot watch ${folder}: ${(error as Error).message}`);
      }
    }
  }
  return () => {
    for (const watcher of watchers) watcher.close();
  };
}

/** A folder and its subfolders, but hidden ones and `node_modules`; none when it does not exist. */
function foldersBelow(folder: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const below = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules");
  return [folder, ...below.flatMap((entry) => foldersBelow(join(folder, entry.name)))];
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep));
}
