/** Serve the built page: files of one folder, nothing outside it, `index.html` for the root. */
import { readFile } from "node:fs/promises";
import type { ServerResponse } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const contentTypes: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
};

/** Answer a GET for `pathname` from `root`; returns false (nothing written) when there is no such file. */
export async function serveFile(root: string, pathname: string, response: ServerResponse): Promise<boolean> {
  const relative = pathname === "/" ? "index.html" : decodeURIComponent(pathname).replace(/^\/+/, "");
  const path = normalize(join(root, relative));
  if (!path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`)) return false;
  let body: Buffer;
  try {
    body = await readFile(path);
  } catch {
    return false;
  }
  response.writeHead(200, { "content-type": contentTypes[extname(path)] ?? "application/octet-stream", "cache-control": "no-cache" });
  response.end(body);
  return true;
}
