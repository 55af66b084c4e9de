import { defineConfig } from "vitest/config";

/** The slow tests (a real browser, clusters): `npm run test:slow`, apart from the main suite. */
export default defineConfig({
  test: {
    include: ["test/slow/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
