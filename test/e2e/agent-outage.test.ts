/**
 * The agent rides out a server outage: the server is killed (SIGKILL) for two
 * minutes while a real `reddot agent` process keeps collecting every second;
 * once the server is back on the same port and data directory, every report
 * the agent made — before, during and after the outage — is read back, in
 * order, none missing and none twice.
 *
 * REDDOT_E2E_OUTAGE_MS shortens the outage when iterating locally; CI runs the
 * full two minutes the issue asks for.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { exportSeries } from "./support/export.js";
import {
  eventually,
  ROOT,
  removeDir,
  sleep,
  startProcess,
  startReddot,
  type TestProcess,
  tempDir,
} from "./support/processes.js";

const OUTAGE_MS = Number(process.env.REDDOT_E2E_OUTAGE_MS ?? 120_000);
const TOKEN = "outage-test-token-0123456789abcdef";
const HOST = "outage-test";

const procs: TestProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const p of procs) await p.stop("SIGKILL");
  for (const d of dirs) removeDir(d);
});

/** A config repo that accepts TOKEN and gives every host one check every 2 s. */
function configRepo(): string {
  const dir = tempDir("reddot-outage-config-");
  dirs.push(dir);
  const sha = createHash("sha256").update(TOKEN).digest("hex");
  writeFileSync(
    join(dir, "reddot.yaml"),
    `agents:\n  tokens:\n    - name: outage-test\n      sha256: ${sha}\n`,
  );
  mkdirSync(join(dir, "checks"));
  writeFileSync(
    join(dir, "checks", "load.yaml"),
    [
      "checks:",
      "  - name: load",
      "    builtin: load",
      "    interval: 2s",
      "    timeout: 1s",
      "    params: { warn: [100, 100, 100], crit: [200, 200, 200] }",
      "",
    ].join("\n"),
  );
  mkdirSync(join(dir, "roles"));
  writeFileSync(
    join(dir, "roles", "default.yaml"),
    "roles:\n  - name: default\n    checks: [load]\n",
  );
  return dir;
}

describe("agent across a server outage", () => {
  it(
    `loses no sample while the server is down for ${OUTAGE_MS / 1000} s`,
    async () => {
      const config = configRepo();
      const first = await startReddot(["--config", config]);
      procs.push(first.proc);
      dirs.push(first.dataDir);
      const agentDir = tempDir("reddot-outage-agent-");
      dirs.push(agentDir);
      const tokenFile = join(agentDir, "token");
      writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
      const agent = startProcess(process.execPath, [
        join(ROOT, "dist/src/cli/main.js"),
        "agent",
        "--server",
        first.url,
        "--token-file",
        tokenFile,
        "--host",
        HOST,
        "--spool",
        join(agentDir, "spool"),
        "--interval",
        "1s",
      ]);
      procs.push(agent);

      const reports = `reddot_agent_reports_total{host="${HOST}"}`;
      await eventually(
        "the agent's first reports and check results",
        async () => {
          const [r] = await exportSeries(first.url, reports);
          const [c] = await exportSeries(first.url, `reddot_check_status{host="${HOST}"}`);
          return (r?.values.length ?? 0) >= 3 && c !== undefined ? true : undefined;
        },
        60_000,
      );

      await first.proc.stop("SIGKILL");
      const downAt = Date.now();
      await sleep(OUTAGE_MS);
      const upAt = Date.now();
      const second = await startReddot(["--config", config], first.dataDir, { port: first.port });
      procs.push(second.proc);

      // Caught up: a report built after the restart has arrived, and it found the spool empty.
      await eventually(
        "the spool replayed",
        async () => {
          const [spool] = await exportSeries(
            second.url,
            `reddot_agent_spool_reports{host="${HOST}"}`,
          );
          if (spool === undefined) return undefined;
          const n = spool.timestamps.length;
          const caughtUp =
            (spool.timestamps[n - 1] ?? 0) > upAt + 5000 && spool.values[n - 1] === 0;
          return caughtUp ? true : undefined;
        },
        120_000,
      );

      const [series] = await exportSeries(second.url, reports);
      if (series === undefined) throw new Error(`no ${reports} after the restart`);
      // Every report, exactly once, in order: the sequence numbers 1..max with no gap.
      const max = series.values[series.values.length - 1] as number;
      expect(series.values).toEqual(Array.from({ length: max }, (_, i) => i + 1));
      for (let i = 1; i < series.timestamps.length; i++) {
        expect(series.timestamps[i]).toBeGreaterThan(series.timestamps[i - 1] as number);
      }
      // Collected while the server was down: about one a second for the whole outage.
      const during = series.timestamps.filter((t) => t > downAt && t < upAt).length;
      expect(during).toBeGreaterThanOrEqual(Math.floor((OUTAGE_MS / 1000) * 0.8));

      // Every report's host metrics arrived with it, and the check kept running.
      const [load] = await exportSeries(second.url, `node_load1{host="${HOST}"}`);
      expect(load?.timestamps.length).toBe(series.timestamps.length);
      const [check] = await exportSeries(second.url, `reddot_check_status{host="${HOST}"}`);
      const checksDuring = (check?.timestamps ?? []).filter((t) => t > downAt && t < upAt).length;
      expect(checksDuring).toBeGreaterThanOrEqual(Math.floor((OUTAGE_MS / 2000) * 0.8));

      // Nothing was dropped by the spool bound, and the token never reached a log.
      const [dropped] = await exportSeries(
        second.url,
        `reddot_agent_spool_dropped_reports_total{host="${HOST}"}`,
      );
      expect(dropped?.values.every((v) => v === 0)).toBe(true);
      await agent.stop();
      expect(agent.output()).not.toContain(TOKEN);
      expect(agent.output()).toContain("delivery failed");
    },
    OUTAGE_MS + 300_000,
  );
});
