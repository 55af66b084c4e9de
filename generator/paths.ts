/** Paths as evc compares and shows them, relative to a folder. */
import { isAbsolute, relative, sep } from "node:path";

/** Whether `path` is `folder` itself or below it (both absolute). */
export function isWithin(folder: string, path: string): boolean {
  return !leavesFolder(relative(folder, path));
}

/** Whether a relative path goes out of the folder it starts from (`..`, `../x`; a file named `..x` stays in). */
function leavesFolder(rel: string): boolean {
  return rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** A path as messages show it: relative to the working directory with `/` separators (`.` for itself), or absolute when outside it. */
export function displayPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  if (rel === "") return ".";
  return leavesFolder(rel) ? path : rel.split(sep).join("/");
}
