/**
 * A real browser for the slow tests: Debian's chromium (`scripts/setup.sh` installs it), driven by
 * playwright-core, headless, with a fresh profile that is removed after.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext } from "playwright-core";

/** Where Debian's chromium package puts the browser. */
export const chromiumPath = "/usr/bin/chromium";

/** A browser with a fresh profile; dispose it to close the browser and remove the profile. */
export interface TestBrowser extends AsyncDisposable {
  readonly context: BrowserContext;
}

/** Launch chromium headless with a fresh `--user-data-dir`. */
export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} not found: install Debian's chromium package (./scripts/setup.sh does)`);
  const profile = mkdtempSync(join(tmpdir(), "evc-chromium-"));
  // playwright takes the profile folder as an argument of its own and passes it as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1360, height: 900 },
  });
  return {
    context,
    [Symbol.asyncDispose]: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
