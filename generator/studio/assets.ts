/** Where the built page is: `vite build` writes it to `generator/studio/dist` (see vite.config.ts). */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { StudioAssetsError } from "./errors.js";

/** The folder of the built page. */
export const assetsFolder = fileURLToPath(new URL("./dist", import.meta.url));

/** The folder of the built page; throws `StudioAssetsError` when it was not built. */
export function builtAssets(folder = assetsFolder): string {
  if (!existsSync(`${folder}/index.html`)) throw new StudioAssetsError(folder);
  return folder;
}
