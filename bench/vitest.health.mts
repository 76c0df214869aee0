import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["bench/health.test.ts"], testTimeout: 120_000 } });
