/** Where the built page is: `vite build` (part of the tool's `npm run build`) writes it to `studio/dist` of the tool package. */
import { existsSync } from "node:fs";
import { toolFile } from "../version.js";
import { StudioAssetsError } from "./errors.js";

/** The folder of the built page. */
export const assetsFolder = toolFile("studio/dist");

/** The folder of the built page; throws `StudioAssetsError` when it was not built. */
export function builtAssets(folder = assetsFolder): string {
  if (!existsSync(`${folder}/index.html`)) throw new StudioAssetsError(folder);
  return folder;
}
