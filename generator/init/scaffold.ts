/**
 * `evc init`: a contracts repository from nothing: the config, one spec with a v1 event and its
 * example, the envelope every event carries, a tsconfig, npm scripts and a CI workflow that runs
 * the contract gate. Existing files are never overwritten; package.json gains only what it lacks.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { ArgumentError } from "@evc/runtime/errors";
import { toolFile } from "../version.js";

/** Files a template folder holds under another name, because npm does not pack them as they are. */
const renamed: Readonly<Record<string, string>> = { "gitignore.txt": ".gitignore" };

/** What `scaffold` did, file by file, relative to the folder. */
export interface ScaffoldResult {
  readonly created: readonly string[];
  readonly kept: readonly string[];
  /** True when package.json was created or gained scripts, `type` or `exports`. */
  readonly packageJson: "created" | "updated" | "unchanged";
}

const templates = toolFile("init/templates");

/** Scaffold a contracts repository in `dir`, creating it if needed. */
export function scaffold(dir: string): ScaffoldResult {
  mkdirSync(dir, { recursive: true });
  const created: string[] = [];
  const kept: string[] = [];
  for (const file of listTemplates(templates)) {
    const target = join(dir, renamed[basename(file)] === undefined ? file : join(dirname(file), renamed[basename(file)] ?? ""));
    const shown = relative(dir, target).split(sep).join("/");
    if (existsSync(target)) {
      kept.push(shown);
      continue;
    }
    mkdirSync(dirname(target), { recursive: true });
    cpSync(join(templates, file), target);
    created.push(shown);
  }
  return { created, kept, packageJson: updatePackageJson(dir) };
}

function listTemplates(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

const scripts: Readonly<Record<string, string>> = {
  generate: "evc generate",
  check: "evc check",
  build: "tsc -p tsconfig.json",
};

function updatePackageJson(dir: string): ScaffoldResult["packageJson"] {
  const path = join(dir, "package.json");
  const existed = existsSync(path);
  let json: Record<string, unknown>;
  try {
    json = existed ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : { name: packageName(dir), version: "0.1.0", private: true };
  } catch (error) {
    throw new ArgumentError("dir", `a folder whose package.json is JSON, but ${path} is not (${(error as Error).message})`);
  }
  const before = JSON.stringify(json);
  // `npm init -y` writes "type": "commonjs"; a folder with no JavaScript of its own can switch.
  if (json["type"] === undefined || (json["type"] === "commonjs" && !hasOwnJavaScript(dir))) json["type"] = "module";
  if (json["type"] !== "module") throw new ArgumentError("dir", `an ES module package, but ${path} says "type": ${JSON.stringify(json["type"])} and the folder holds JavaScript files; the generated SDK is ESM: set "type": "module" or run evc init in a folder of its own`);
  const current = (json["scripts"] ?? {}) as Record<string, string>;
  json["scripts"] = { ...current, ...Object.fromEntries(Object.entries(scripts).filter(([name]) => current[name] === undefined || /^echo "Error: no test/.test(current[name]))) };
  json["exports"] ??= { ".": { types: "./dist/generated/index.d.ts", default: "./dist/generated/index.js" } };
  if (JSON.stringify(json) === before) return "unchanged";
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return existed ? "updated" : "created";
}

/** True when the folder holds `.js` files of its own (outside node_modules), which a change of `type` would break. */
function hasOwnJavaScript(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((entry) => {
    if (entry.isFile()) return entry.name.endsWith(".js");
    return entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".") && hasOwnJavaScript(join(dir, entry.name));
  });
}

function packageName(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9._-]+/g, "-").replace(/^[._-]+/, "");
  return name === "" ? "contracts" : name;
}
