/** What the page reads from the studio (or, as a static site, only the catalog). */
import type { Catalog } from "../catalog.js";
import type { StreamFeed } from "../live-bridge.js";

/** The studio's state; undefined when the page is a static catalog with no studio behind it. */
export interface StudioStatus {
  readonly server: string;
  readonly feeds: readonly StreamFeed[];
  readonly metrics: boolean;
}

/** GET a JSON document relative to the page; throws with the server's error message. */
export async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const value = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(value.error ?? `HTTP ${response.status}`);
  return value;
}

/** POST JSON relative to the page; throws with the server's error message. */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const value = (await response.json()) as T & { error?: string };
  if (!response.ok) throw new Error(value.error ?? `HTTP ${response.status}`);
  return value;
}

/** The catalog. */
export function loadCatalog(): Promise<Catalog> {
  return getJson<Catalog>("./catalog.json");
}

/** The studio's status, or undefined for a static catalog. */
export async function loadStatus(): Promise<StudioStatus | undefined> {
  try {
    return await getJson<StudioStatus>("./api/status");
  } catch {
    return undefined;
  }
}
