/**
 * `evc init`: a contracts repository from nothing: the config, one spec with a v1 event and its
 * example, the envelope every event carries, a tsconfig, npm scripts and a CI workflow that runs
 * the contract gate. Existing files are never overwritten; package.json gains only what it lacks,
 * and its module type is never changed: a package of CommonJS is refused before anything is written.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { ArgumentError } from "@evc/runtime/errors";
import { toolFile, toolVersion } from "../version.js";

/** Files a template folder holds under another name, because npm does not pack them as they are. */
const renamed: Readonly<Record<string, string>> = { "gitignore.txt": ".gitignore" };

/** What `scaffold` did, file by file, relative to the folder. */
export interface ScaffoldResult {
  readonly created: readonly string[];
  readonly kept: readonly string[];
  /** True when package.json was created or gained scripts, `type`, `exports` or dependencies. */
  readonly packageJson: "created" | "updated" | "unchanged";
  /** What package.json gained or lost: its fields (`type`, `scripts`, `exports`, `main removed`), then the packages added. */
  readonly changed: readonly string[];
  /** The packages package.json gained, which `npm install` then installs. */
  readonly added: readonly string[];
}

const templates = toolFile("init/templates");

/**
 * Scaffold a contracts repository in `dir`, creating it if needed; throws `ArgumentError`, having
 * written nothing, when its package.json is no JSON or its package is CommonJS.
 */
export function scaffold(dir: string): ScaffoldResult {
  const packageJson = planPackageJson(dir);
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
  return { created, kept, ...packageJson.write() };
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

/**
 * What a contracts package needs, by dependency field: the runtime its SDK imports, the tool, and
 * the TypeScript compiler and Node's types that its `build` uses (the versions evc is tested with).
 */
function neededPackages(): Readonly<Record<"dependencies" | "devDependencies", Readonly<Record<string, string>>>> {
  return {
    dependencies: { "@evc/runtime": `^${toolVersion}` },
    devDependencies: { "@evc/cli": `^${toolVersion}`, typescript: "^6.0.3", "@types/node": "^20.19.0" },
  };
}

/** The dependency fields of package.json. */
const dependencyFields = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] as const;

/** Add what `neededPackages` lists and package.json names in none of its dependency fields; returns the names added. */
function addNeededPackages(json: Record<string, unknown>): string[] {
  const named = new Set(dependencyFields.flatMap((field) => Object.keys((json[field] ?? {}) as Record<string, string>)));
  const added: string[] = [];
  for (const [field, packages] of Object.entries(neededPackages())) {
    const missing = Object.entries(packages).filter(([name]) => !named.has(name));
    if (missing.length === 0) continue;
    json[field] = { ...((json[field] ?? {}) as Record<string, string>), ...Object.fromEntries(missing) };
    added.push(...missing.map(([name]) => name));
  }
  return added;
}

/** The fields of package.json `evc init` may set or remove, as `changed` names them. */
const packageFields = ["type", "scripts", "exports", "main"] as const;

/**
 * What package.json becomes, checked before anything is written: a package that is not of ES
 * modules (`"type": "commonjs"`, or no `type` and `.js` files of its own) is refused, since the SDK
 * is ES modules and a tool must not change how a project loads its JavaScript.
 */
function planPackageJson(dir: string): { write(): Pick<ScaffoldResult, "packageJson" | "changed" | "added"> } {
  const path = join(dir, "package.json");
  const existed = existsSync(path);
  let json: Record<string, unknown>;
  try {
    json = existed ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : { name: packageName(dir), version: "0.1.0", private: true };
  } catch (error) {
    throw new ArgumentError("dir", `a folder whose package.json is JSON, but ${path} is not (${(error as Error).message})`);
  }
  const before = structuredClone(json);
  const javaScript = existsSync(dir) && hasOwnJavaScript(dir);
  if (json["type"] === undefined && !javaScript) json["type"] = "module";
  if (json["type"] === undefined) throw new ArgumentError("dir", notModule(`${existed ? `${path} names no "type"` : `${dir} has no package.json`} and the folder holds .js files, which "type": "module" would load otherwise`));
  if (json["type"] !== "module") throw new ArgumentError("dir", notModule(`${path} says "type": ${JSON.stringify(json["type"])}`));
  const current = (json["scripts"] ?? {}) as Record<string, string>;
  json["scripts"] = { ...current, ...Object.fromEntries(Object.entries(scripts).filter(([name]) => current[name] === undefined || /^echo "Error: no test/.test(current[name]))) };
  json["exports"] ??= { ".": { types: "./dist/generated/index.d.ts", default: "./dist/generated/index.js" } };
  // `npm init -y` writes "main": "index.js", which names no file of a contracts package: its exports say what it is.
  if (json["main"] === "index.js" && !existsSync(join(dir, "index.js"))) delete json["main"];
  const added = addNeededPackages(json);
  const fields = packageFields.filter((field) => JSON.stringify(json[field]) !== JSON.stringify(before[field])).map((field) => (field in json ? field : `${field} removed`));
  const changed = [...fields, ...added];
  return {
    write() {
      if (changed.length === 0) return { packageJson: "unchanged", changed, added };
      writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
      return { packageJson: existed ? "updated" : "created", changed, added };
    },
  };
}

/** Why a package that is not of ES modules is refused (`why`), and the two ways on. */
function notModule(why: string): string {
  return (
    `an ES module package, but ${why}; the SDK evc generates is ES modules, and evc init does not change how a project loads its JavaScript: ` +
    'set "type": "module" in package.json (npm pkg set type=module) if nothing in the folder needs CommonJS, or run "evc init contracts" to start the contracts in a package of their own'
  );
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
