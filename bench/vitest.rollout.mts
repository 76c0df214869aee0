import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["bench/rollout.test.ts"], testTimeout: 600_000 } });
