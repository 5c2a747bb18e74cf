/**
 * `reddot query` and the query API against the real server process: the
 * server scrapes itself every second; the CLI (a second process) queries it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  ROOT,
  removeDir,
  startReddot,
  type TestProcess,
  tempDir,
} from "./support/processes.js";

let proc: TestProcess;
let url: string;
const dirs: string[] = [];

beforeAll(async () => {
  const config = tempDir("reddot-e2e-config-");
  dirs.push(config);
  mkdirSync(config, { recursive: true });
  writeFileSync(join(config, "reddot.yaml"), "scrape:\n  self:\n    interval: 1s\n");
  const s = await startReddot(["--config", config]);
  proc = s.proc;
  url = s.url;
  dirs.push(s.dataDir);
  // Wait for the first self-scrapes to land.
  await eventually("self-scrape data", async () => {
    const r = await fetch(`${url}/api/v1/query?query=up`);
    const body = (await r.json()) as { data?: { result?: unknown[] } };
    return (body.data?.result?.length ?? 0) > 0 ? true : undefined;
  });
});

afterAll(async () => {
  await proc?.stop();
  for (const d of dirs) removeDir(d);
});

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "dist/src/cli/main.js"), ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, out, err }));
  });
}

describe("reddot query against a running server", () => {
  it("prints an instant vector", async () => {
    const r = await cli(["query", "up", "--server", url]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^SERIES +VALUE +TIME\n/);
    expect(r.out).toMatch(/up\{instance="127\.0\.0\.1:\d+", job="reddot"\} +1 +\d{4}-/);
  });

  it("prints a range as one block per series", async () => {
    const r = await cli(["query", "sum(up)", "--server", url, "--start", "now", "--step", "1s"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out.split("\n")[0]).toBe("{}");
  });

  it("exits 1 with the server's error", async () => {
    const r = await cli(["query", "sum(up", "--server", url]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^reddot: query failed \(400 bad_data\): invalid parameter "query": /);
  });

  it("serves metadata of the self-scrape", async () => {
    const r = await fetch(`${url}/api/v1/metadata?metric=process_cpu_seconds_total`);
    const body = (await r.json()) as { data: Record<string, { type: string }[]> };
    expect(body.data.process_cpu_seconds_total?.[0]?.type).toBe("counter");
  });
});
