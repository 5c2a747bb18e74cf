/**
 * A real Prometheus scrapes a real node_exporter and remote-writes to reddot;
 * reddot must hold the same series and samples Prometheus itself stored.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  freePort,
  hasBinary,
  removeDir,
  startProcess,
  startReddot,
  type TestProcess,
  tempDir,
  waitReady,
} from "./support/processes.js";

const PROMETHEUS = "/usr/bin/prometheus";
const NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";
const missing = [PROMETHEUS, NODE_EXPORTER].filter((b) => !hasBinary(b));

describe.skipIf(missing.length > 0)(
  `remote_write from a real Prometheus (needs ${missing.join(", ") || "nothing"})`,
  () => {
    const procs: TestProcess[] = [];
    const dirs: string[] = [];
    let reddot: Awaited<ReturnType<typeof startReddot>>;
    let promUrl = "";

    beforeAll(async () => {
      reddot = await startReddot();
      procs.push(reddot.proc);
      dirs.push(reddot.dataDir);

      const nePort = await freePort();
      const ne = startProcess(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${nePort}`]);
      procs.push(ne);
      await waitReady(`http://127.0.0.1:${nePort}/metrics`, ne);

      const promPort = await freePort();
      const promDir = tempDir("prom-e2e-");
      dirs.push(promDir);
      const cfg = join(promDir, "prometheus.yml");
      writeFileSync(
        cfg,
        [
          "global:",
          "  scrape_interval: 1s",
          "  scrape_timeout: 1s",
          "scrape_configs:",
          "  - job_name: node",
          "    static_configs:",
          `      - targets: ["127.0.0.1:${nePort}"]`,
          "remote_write:",
          `  - url: ${reddot.url}/api/v1/write`,
          "    queue_config:",
          "      batch_send_deadline: 1s",
          "      max_samples_per_send: 2000",
          "",
        ].join("\n"),
      );
      const prom = startProcess(PROMETHEUS, [
        `--config.file=${cfg}`,
        `--storage.tsdb.path=${join(promDir, "data")}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ]);
      procs.push(prom);
      promUrl = `http://127.0.0.1:${promPort}`;
      await waitReady(`${promUrl}/-/ready`, prom);
    });

    afterAll(async () => {
      for (const p of procs.reverse()) await p.stop();
      for (const d of dirs) removeDir(d);
    });

    async function seriesOf(base: string, match: string): Promise<string[]> {
      const r = await fetch(`${base}/api/v1/series?match[]=${encodeURIComponent(match)}`);
      expect(r.status).toBe(200);
      const body = (await r.json()) as { status: string; data: Record<string, string>[] };
      expect(body.status).toBe("success");
      return body.data.map((s) => JSON.stringify(Object.entries(s).sort()));
    }

    it("receives every series Prometheus scraped from node_exporter", async () => {
      // Wait until Prometheus has scraped several times and shipped them.
      const promSeries = await eventually("node_cpu_seconds_total in Prometheus", async () => {
        const s = await seriesOf(promUrl, '{job="node"}');
        return s.length > 100 ? s : undefined;
      });
      const got = await eventually("the same series in reddot", async () => {
        const s = await seriesOf(reddot.url, '{job="node"}');
        const have = new Set(s);
        return promSeries.every((x) => have.has(x)) ? s : undefined;
      });
      expect(got.length).toBeGreaterThanOrEqual(promSeries.length);
      const names = (await (await fetch(`${reddot.url}/api/v1/label/__name__/values`)).json()) as {
        data: string[];
      };
      expect(names.data).toContain("node_cpu_seconds_total");
      expect(names.data).toContain("up");
    });

    it("holds the same samples Prometheus stored, value for value", async () => {
      const match = encodeURIComponent('node_cpu_seconds_total{mode="idle"}');
      let now = 0;
      // Samples Prometheus has stored, through its own raw read (range selector at one instant).
      const q = encodeURIComponent('node_cpu_seconds_total{mode="idle"}[5m]');
      type PromResult = {
        data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
      };
      const promBody = await eventually("samples in Prometheus", async () => {
        now = Date.now() / 1000;
        const r = (await (
          await fetch(`${promUrl}/api/v1/query?query=${q}&time=${now}`)
        ).json()) as PromResult;
        return r.data.result.length > 0 && r.data.result[0].values.length >= 3 ? r : undefined;
      });
      expect(promBody.data.result.length).toBeGreaterThan(0);
      type Exported = { metric: Record<string, string>; values: number[]; timestamps: number[] };
      const missingSamples = (lines: Exported[]): string[] => {
        const missing: string[] = [];
        for (const series of promBody.data.result) {
          const mine = lines.find((l) => l.metric.cpu === series.metric.cpu);
          if (mine === undefined) {
            missing.push(`cpu ${series.metric.cpu}: no series`);
            continue;
          }
          const byTime = new Map(mine.timestamps.map((t, i) => [t, mine.values[i]]));
          for (const [t, v] of series.values) {
            const ms = Math.round(t * 1000);
            if (byTime.get(ms) !== Number(v))
              missing.push(`cpu ${series.metric.cpu} at ${ms}: want ${v}, got ${byTime.get(ms)}`);
          }
        }
        return missing;
      };
      let last: string[] = [];
      const ok = await eventually(
        "every Prometheus sample in reddot's export",
        async () => {
          const r = await fetch(
            `${reddot.url}/api/v1/export?match[]=${match}&start=${now - 300}&end=${now}`,
          );
          expect(r.status).toBe(200);
          const lines = (await r.text())
            .split("\n")
            .filter((l) => l !== "")
            .map((l) => JSON.parse(l) as Exported);
          last = missingSamples(lines);
          return last.length === 0 ? true : undefined;
        },
        30_000,
      ).catch(() => false);
      expect(last).toEqual([]);
      expect(ok).toBe(true);
    });

    it("answers its own health endpoints and metrics", async () => {
      expect((await fetch(`${reddot.url}/-/healthy`)).status).toBe(200);
      expect((await fetch(`${reddot.url}/-/ready`)).status).toBe(200);
      const metrics = await (await fetch(`${reddot.url}/metrics`)).text();
      expect(metrics).toMatch(/^reddot_remote_write_requests_total\{code="204"\} [1-9]/m);
      expect(metrics).toMatch(/^reddot_tsdb_head_series [1-9]/m);
    });
  },
);
