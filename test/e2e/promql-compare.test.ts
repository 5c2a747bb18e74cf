/**
 * PromQL compared with a real Prometheus: the same generated data is
 * remote-written to Debian's Prometheus 2.42 and to reddot, then ~250 queries
 * run through both HTTP APIs, as instant queries at four times and as range
 * queries over two windows, and every answer must match (compare.ts says
 * how). Where 2.42 and Prometheus 3 (which reddot follows) differ, the data
 * and queries avoid the difference: docs/promql-compat.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiAnswer, queryApi, remoteWrite } from "./promql-compare/client.js";
import { firstDifference, hasData, normalise, trimmed } from "./promql-compare/compare.js";
import { type CompareData, generateCompareData, writeRequests } from "./promql-compare/data.js";
import { ERROR_QUERIES, QUERIES } from "./promql-compare/queries.js";
import { type CompareRequest, expandAt, requestsFor } from "./promql-compare/requests.js";
import { apiTime, INSTANT_OFFSETS, RANGE_WINDOWS } from "./promql-compare/times.js";
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
const MINUTE = 60_000;

/** Starts Prometheus with no scrape jobs and its remote-write receiver on. */
async function startPrometheus(dir: string): Promise<{ proc: TestProcess; url: string }> {
  const port = await freePort();
  const cfg = join(dir, "prometheus.yml");
  // evaluation_interval is the step of subqueries written without one (reddot: 1m too).
  writeFileSync(cfg, "global:\n  evaluation_interval: 1m\n");
  const proc = startProcess(PROMETHEUS, [
    `--config.file=${cfg}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    `--web.listen-address=127.0.0.1:${port}`,
    "--web.enable-remote-write-receiver",
    "--log.level=warn",
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitReady(`${url}/-/ready`, proc);
  return { proc, url };
}

/** Samples (not staleness markers) a system holds, through a 3 h range selector at the end. */
async function countSamples(base: string, data: CompareData): Promise<number | undefined> {
  const a = await queryApi(base, "query", {
    query: '{__name__=~".+"}[3h]',
    time: apiTime(data.end + 5 * MINUTE),
  });
  if (a.body?.status !== "success") return undefined;
  return normalise(a).series.reduce((n, s) => n + s.points.length, 0);
}

describe.skipIf(!hasBinary(PROMETHEUS))(
  `PromQL answers compared with Prometheus 2.42 (needs ${PROMETHEUS})`,
  () => {
    const procs: TestProcess[] = [];
    const dirs: string[] = [];
    let promUrl = "";
    let reddotUrl = "";
    let data: CompareData;
    /** Prometheus's answers, by request, filled by the list check and reused by the comparison. */
    const promAnswers = new Map<string, ApiAnswer>();
    const keyOf = (r: CompareRequest) => `${r.path}?${new URLSearchParams(r.params)}`;
    const askPrometheus = async (r: CompareRequest): Promise<ApiAnswer> => {
      const k = keyOf(r);
      let a = promAnswers.get(k);
      if (a === undefined) {
        a = await queryApi(promUrl, r.path, r.params);
        promAnswers.set(k, a);
      }
      return a;
    };
    const allRequests = (): CompareRequest[] => QUERIES.flatMap((q) => requestsFor(q, data.start));

    beforeAll(async () => {
      // Ends 15 min ago, minute-aligned: every query time is in the past for both systems.
      const start = Math.floor((Date.now() - 135 * MINUTE) / MINUTE) * MINUTE;
      data = generateCompareData(start);

      const promDir = tempDir("prom-compare-");
      dirs.push(promDir);
      const prom = await startPrometheus(promDir);
      procs.push(prom.proc);
      promUrl = prom.url;

      // No self-scrape: reddot must hold exactly the generated series.
      const configDir = tempDir("reddot-compare-config-");
      dirs.push(configDir);
      mkdirSync(configDir, { recursive: true });
      writeFileSync(join(configDir, "reddot.yaml"), "scrape:\n  self:\n    enabled: false\n");
      const reddot = await startReddot(["--config", configDir]);
      procs.push(reddot.proc);
      dirs.push(reddot.dataDir);
      reddotUrl = reddot.url;

      const bodies = writeRequests(data);
      await Promise.all([remoteWrite(promUrl, bodies), remoteWrite(reddotUrl, bodies)]);
    });

    afterAll(async () => {
      for (const p of procs.reverse()) await p.stop();
      for (const d of dirs) removeDir(d);
    });

    it("Prometheus holds every generated sample", async () => {
      const n = await eventually("all samples in Prometheus", async () => {
        const c = await countSamples(promUrl, data);
        return c === data.realSamples ? c : undefined;
      });
      expect(n).toBe(data.realSamples);
      // The staleness marker arrived as one: the flaky series is gone well within the lookback.
      const after = await queryApi(promUrl, "query", {
        query: "flaky_value",
        time: apiTime(data.start + 62 * MINUTE),
      });
      expect(normalise(after).series).toEqual([]);
    });

    it("Prometheus 2.42 accepts and answers every query of the list", async () => {
      const problems: string[] = [];
      for (const q of QUERIES) {
        let any = false;
        for (const r of requestsFor(q, data.start)) {
          const a = await askPrometheus(r);
          if (a.body?.status !== "success") {
            problems.push(`${r.expr} (${r.where}): ${a.status} ${trimmed(a, 300)}`);
            continue;
          }
          if (hasData(normalise(a))) any = true;
        }
        if (any === (q.empty === true)) {
          problems.push(`${q.q}: ${any ? "has data but is marked empty" : "empty at every time"}`);
        }
      }
      for (const e of ERROR_QUERIES) {
        const a = await queryApi(promUrl, e.mode === "instant" ? "query" : "query_range", {
          query: expandAt(e.q, data.start),
          ...timeParams(e.mode),
        });
        if (a.body?.status !== "error") problems.push(`${e.q}: Prometheus accepted it`);
      }
      expect(problems).toEqual([]);
      expect(QUERIES.length).toBeGreaterThanOrEqual(150);
    });

    it("reddot holds the same raw samples as Prometheus", async () => {
      let last: number | undefined;
      await eventually(
        "reddot to answer the 3 h raw selector with every sample",
        async () => {
          last = await countSamples(reddotUrl, data);
          return last === data.realSamples ? last : undefined;
        },
        30_000,
      ).catch(() => undefined);
      expect(last, 'samples reddot answers for {__name__=~".+"}[3h]').toBe(data.realSamples);
      const params = { query: '{__name__=~".+"}[3h]', time: apiTime(data.end + 5 * MINUTE) };
      const want = normalise(await queryApi(promUrl, "query", params));
      const got = normalise(await queryApi(reddotUrl, "query", params));
      expect(firstDifference(want, got, false)).toBeUndefined();
    });

    it("reddot answers every query as Prometheus does", async () => {
      const probe = await queryApi(reddotUrl, "query", { query: "1", time: apiTime(data.end) });
      expect(probe.status, `reddot's /api/v1/query: ${trimmed(probe, 300)}`).toBe(200);
      const mismatches: string[] = [];
      let compared = 0;
      for (const r of allRequests()) {
        const want = await askPrometheus(r);
        const got = await queryApi(reddotUrl, r.path, r.params);
        compared++;
        const why = explain(want, got, r.query.ordered === true && r.path === "query");
        if (why !== undefined) {
          mismatches.push(
            [
              `✗ ${r.expr}  [${r.where}]`,
              `  first difference: ${why}`,
              `  Prometheus: ${trimmed(want)}`,
              `  reddot:     ${trimmed(got)}`,
            ].join("\n"),
          );
        }
      }
      if (mismatches.length > 0) {
        console.error(
          `${mismatches.length} of ${compared} answers differ:\n\n${mismatches.join("\n\n")}`,
        );
      }
      expect(
        mismatches.slice(0, 60).map((m) => m.split("\n").slice(0, 2).join(" | ")),
        `${mismatches.length} of ${compared} answers differ (details above)`,
      ).toEqual([]);
    });

    it("reddot refuses what Prometheus refuses, with the same errorType", async () => {
      const problems: string[] = [];
      for (const e of ERROR_QUERIES) {
        const path = e.mode === "instant" ? "query" : "query_range";
        const params = { query: expandAt(e.q, data.start), ...timeParams(e.mode) };
        const want = await queryApi(promUrl, path, params);
        const got = await queryApi(reddotUrl, path, params);
        if (got.body?.status !== "error" || got.body.errorType !== want.body?.errorType) {
          problems.push(
            `${e.q} (${e.mode}): Prometheus ${want.status} ${want.body?.errorType}, reddot ${got.status} ${trimmed(got, 300)}`,
          );
        }
      }
      expect(problems).toEqual([]);
    });

    function timeParams(mode: "instant" | "range"): Record<string, string> {
      if (mode === "instant") return { time: apiTime(data.start + INSTANT_OFFSETS[1]) };
      const w = RANGE_WINDOWS[1];
      return {
        start: apiTime(data.start + w.start),
        end: apiTime(data.start + w.end),
        step: String(w.step / 1000),
      };
    }
  },
);

/** Why two answers differ, or undefined. Both refusing counts as agreeing here (errors are checked apart). */
function explain(want: ApiAnswer, got: ApiAnswer, ordered: boolean): string | undefined {
  const ws = want.body?.status;
  const gs = got.body?.status;
  if (ws !== "success" || gs !== "success") {
    if (ws === gs && want.body?.errorType === got.body?.errorType) return undefined;
    return `status: Prometheus ${want.status} ${ws ?? "non-JSON"}, reddot ${got.status} ${gs ?? "non-JSON"}`;
  }
  try {
    return firstDifference(normalise(want), normalise(got), ordered);
  } catch (err) {
    return `unreadable answer: ${String(err)}`;
  }
}
