import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "./main.js";

// The composition root hands the `query` section to the API and the engine,
// and a reload applies new values.
const dirs: string[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true });
    rmSync(`${d}-data`, { recursive: true, force: true });
  }
});

function writeConfig(dir: string, query: string): void {
  writeFileSync(join(dir, "reddot.yaml"), `scrape:\n  self:\n    enabled: false\nquery:\n${query}`);
}

async function start(query: string): Promise<{ s: RunningServer; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "reddot-main-query-"));
  dirs.push(dir);
  writeConfig(dir, query);
  const s = await startServer({
    configDir: dir,
    listen: "127.0.0.1:0",
    dataDir: `${dir}-data`,
    agent: false,
    out: new Writable({ write: (_c, _e, cb) => cb() }),
    logger: pino({ level: "silent" }),
  });
  servers.push(s);
  return { s, dir };
}

async function rangeError(s: RunningServer): Promise<string> {
  const r = await fetch(`${s.url}/api/v1/query_range?query=1&start=0&end=200&step=1`);
  return r.status === 200 ? "ok" : ((await r.json()) as { error: string }).error;
}

describe("query settings", () => {
  it("applies query.max_points_per_series, and a reload changes it", async () => {
    const { s, dir } = await start("  max_points_per_series: 100\n");
    expect(await rangeError(s)).toBe(
      "exceeded maximum resolution of 100 points per timeseries. Try decreasing the query resolution (?step=XX)",
    );
    writeConfig(dir, "  max_points_per_series: 1000\n");
    expect((await fetch(`${s.url}/-/reload`, { method: "POST" })).status).toBe(200);
    expect(await rangeError(s)).toBe("ok");
  });

  it("answers queries with the configured engine", async () => {
    const { s } = await start("  lookback_delta: 1m\n");
    const r = await fetch(`${s.url}/api/v1/query?query=2*3&time=10`);
    expect(await r.json()).toEqual({
      status: "success",
      data: { resultType: "scalar", result: [10, "6"] },
    });
  });
});
