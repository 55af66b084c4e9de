import { defineConfig } from "vitest/config";

/**
 * Tests run on the packages' TypeScript sources: the `@evc/source` export condition points each
 * package entry at its `.ts` file, for Vite's resolver and for Node's own (child processes and
 * modules the `evc` command loads natively), so no build is needed before testing, but for the AsyncAPI
 * meta-schema validators the tool package's build precompiles (`npm run build --workspace=generator`). `test/slow/`
 * (clusters, browsers, packed tarballs) runs as a second script, `npm run test:slow`.
 */
export default defineConfig({
  resolve: { conditions: ["@evc/source"] },
  ssr: { resolve: { conditions: ["@evc/source"], externalConditions: ["@evc/source"] } },
  test: {
    include: ["test/**/*.test.ts", "runtime/test/**/*.test.ts"],
    exclude: ["test/slow/**", "**/node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One test file per core: vitest's default leaves one core free (a single worker on 2 cores), and
    // most files wait on servers and timers more than they compute (2 cores: 298 s instead of 420 to 455 s).
    maxWorkers: "100%",
    execArgv: ["--conditions=@evc/source"],
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
  },
});
