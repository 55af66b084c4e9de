/** The specs as they were at a git revision, checked out into a temporary folder for `evc diff`. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { ArgumentError } from "@evc/runtime/errors";

/** Thrown when a revision names no commit of the repository. */
export class UnknownRevisionError extends ArgumentError {
  constructor(revision: string, cwd: string) {
    super("against", `a git revision of the repository at "${cwd}", but "${revision}" is not one`);
    this.name = "UnknownRevisionError";
  }
}

/** A folder holding the specs of a revision; `[Symbol.dispose]` removes it. */
export interface RevisionSpecs extends Disposable {
  /** The specs path inside the folder (the same relative path as in the working tree). */
  readonly specs: string;
  /** The folder, which stands for the repository root at that revision. */
  readonly root: string;
  /** False when the revision has no such path (the specs did not exist yet). */
  readonly exists: boolean;
}

/** Copy the files under `specs` (relative to `cwd`) as they were at `revision` into a temporary folder. */
export function specsAtRevision(revision: string, specs: string, cwd: string): RevisionSpecs {
  const git = (...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
  let top: string;
  try {
    top = git("rev-parse", "--show-toplevel").trim();
  } catch {
    throw new ArgumentError("against", `a git revision, but "${cwd}" is not inside a git repository: run evc diff in a clone of the contracts`);
  }
  try {
    git("rev-parse", "--verify", "--quiet", `${revision}^{commit}`);
  } catch {
    throw new UnknownRevisionError(revision, cwd);
  }
  const path = relative(top, resolve(cwd, specs)).split(sep).join("/");
  const root = mkdtempSync(join(tmpdir(), "evc-revision-"));
  const listed = git("ls-tree", "-r", "--name-only", "-z", revision, "--", path).split("\0").filter((name) => name !== "");
  for (const name of listed) {
    const target = join(root, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, execFileSync("git", ["show", `${revision}:${name}`], { cwd: top, maxBuffer: 256 * 1024 * 1024 }));
  }
  return {
    specs: join(root, path),
    root,
    exists: listed.length > 0,
    [Symbol.dispose]: () => rmSync(root, { recursive: true, force: true }),
  };
}
