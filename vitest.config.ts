import { defineConfig } from "vitest/config";

// Two projects: fast unit tests beside the code, and end-to-end tests against
// real peers (Prometheus, node_exporter, VictoriaMetrics) started on loopback.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["src/**/*.test.ts"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
