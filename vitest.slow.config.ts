import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/** The slow suite (`npm run test:slow`): packed tarballs in fresh projects, clusters, browsers; one file at a time. */
export default defineConfig({
  ...base,
  test: { ...base.test, include: ["test/slow/**/*.test.ts"], exclude: ["**/node_modules/**"], fileParallelism: false, testTimeout: 120_000, hookTimeout: 120_000 },
});
