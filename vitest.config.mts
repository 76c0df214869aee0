import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // Component tests install Pulumi's process-wide mock runtime: one file per process.
    pool: "forks",
  },
});
