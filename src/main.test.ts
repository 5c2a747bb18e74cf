import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "./main.js";

const dirs: string[] = [];
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) {
    rmSync(d, { recursive: true, force: true });
    rmSync(`${d}-data`, { recursive: true, force: true });
  }
});

function configRepo(jobs: string): string {
  const dir = mkdtempSync(join(tmpdir(), "reddot-main-"));
  dirs.push(dir);
  mkdirSync(join(dir, "scrape"));
  writeFileSync(join(dir, "reddot.yaml"), "scrape:\n  self:\n    enabled: false\n");
  writeFileSync(join(dir, "scrape/jobs.yaml"), jobs);
  return dir;
}

const job = (name: string) =>
  `scrape_configs:\n  - job_name: ${name}\n    scrape_interval: 1h\n    static_configs:\n      - targets: ["127.0.0.1:1"]\n`;

async function start(configDir: string): Promise<RunningServer> {
  const s = await startServer({
    configDir,
    listen: "127.0.0.1:0",
    dataDir: `${configDir}-data`,
    agent: false,
    out: new Writable({ write: (_c, _e, cb) => cb() }),
    logger: pino({ level: "silent" }),
  });
  servers.push(s);
  return s;
}

async function jobs(s: RunningServer): Promise<string[]> {
  const r = await fetch(`${s.url}/api/v1/targets`);
  const body = (await r.json()) as { data: { activeTargets: { scrapePool: string }[] } };
  return body.data.activeTargets.map((t) => t.scrapePool).sort();
}

describe("startServer", () => {
  it("serves the config's scrape jobs and swaps them on /-/reload", async () => {
    const dir = configRepo(job("first"));
    const s = await start(dir);
    expect(await jobs(s)).toEqual(["first"]);
    writeFileSync(join(dir, "scrape/jobs.yaml"), job("second"));
    const r = await fetch(`${s.url}/-/reload`, { method: "POST" });
    expect(r.status, await r.clone().text()).toBe(200);
    expect(await jobs(s)).toEqual(["second"]);
  });

  it("keeps the running config when a reload finds errors, and names them", async () => {
    const dir = configRepo(job("kept"));
    const s = await start(dir);
    writeFileSync(
      join(dir, "scrape/jobs.yaml"),
      "scrape_configs:\n  - job_name: kept\n    scrape_intervl: 1h\n",
    );
    const r = await fetch(`${s.url}/-/reload`, { method: "POST" });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: string; code: string };
    expect(body.code).toBe("RD_CONFIG_INVALID");
    expect(await jobs(s)).toEqual(["kept"]);
  });

  it("refuses to start on a config with errors", async () => {
    const dir = configRepo("scrape_configs: nope\n");
    await expect(start(dir)).rejects.toThrow(/scrape/);
  });
});
