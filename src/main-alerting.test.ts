/**
 * The server with rules, heartbeats and self-metrics wired: rules from the
 * config repo and the built-in ones are evaluated and listed; a reload with a
 * broken rule file is refused and the old rules keep running; a heartbeat
 * reported over the API becomes series; the alerting self-metrics are served.
 */
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
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "reddot-alerting-"));
  dirs.push(d);
  return d;
}

const RULES = [
  "groups:",
  "  - name: always",
  "    interval: 1s",
  "    rules:",
  "      - record: job:one",
  "        expr: vector(1)",
  "      - alert: AlwaysOn",
  "        expr: vector(1)",
  "        labels: { severity: ticket }",
  "",
].join("\n");

async function eventually<T>(what: string, f: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface RuleGroupJson {
  name: string;
  file: string;
  rules: { name: string; type: string; health: string; state?: string }[];
}

describe("server with rules and heartbeats", () => {
  it("evaluates config and built-in rules, keeps them across a refused reload, and serves heartbeats and self-metrics", async () => {
    const config = tempDir();
    writeFileSync(join(config, "reddot.yaml"), "scrape:\n  self:\n    enabled: false\n");
    mkdirSync(join(config, "rules"));
    writeFileSync(join(config, "rules", "always.yaml"), RULES);
    mkdirSync(join(config, "heartbeats"));
    writeFileSync(
      join(config, "heartbeats", "backup.yaml"),
      "heartbeats:\n  - name: nightly-backup\n    schedule: '0 3 * * *'\n    grace: 1h\n",
    );
    const s = await startServer({
      configDir: config,
      listen: "127.0.0.1:0",
      dataDir: join(tempDir(), "data"),
      agent: false,
      out: new Writable({ write: (_c, _e, cb) => cb() }),
      logger: pino({ level: "silent" }),
    });
    servers.push(s);
    const groups = async () => {
      const r = await fetch(`${s.url}/api/v1/rules`);
      return ((await r.json()) as { data: { groups: RuleGroupJson[] } }).data.groups;
    };

    const firing = await eventually("AlwaysOn firing", async () => {
      const g = (await groups()).find((x) => x.name === "always");
      return g?.rules.find((r) => r.name === "AlwaysOn" && r.state === "firing");
    });
    expect(firing.health).toBe("ok");
    const names = (await groups()).map((g) => g.name);
    expect(names).toContain("reddot.builtin.keepalive");
    expect(names).toContain("reddot.builtin.self");

    // A broken rule file: the reload is refused with file:line, the old rules keep running.
    writeFileSync(
      join(config, "rules", "always.yaml"),
      RULES.replace("expr: vector(1)\n        labels", "expr: vector(1) +\n        labels"),
    );
    await expect(s.reload()).rejects.toThrow(/rules\/always\.yaml:\d+:\d+/);
    const after = (await groups()).find((x) => x.name === "always");
    expect(after?.rules.map((r) => r.name)).toEqual(["job:one", "AlwaysOn"]);
    const q = await fetch(`${s.url}/api/v1/query?query=job:one`);
    const body = (await q.json()) as { data: { result: unknown[] } };
    expect(body.data.result, JSON.stringify(body)).toHaveLength(1);

    // A heartbeat reported over the API (loopback, no tokens configured) is stored and listed.
    const hb = await fetch(`${s.url}/api/v1/heartbeat/nightly-backup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status: "failure", exit_code: 3 }),
    });
    expect(hb.status, await hb.clone().text()).toBe(200);
    const list = (await (await fetch(`${s.url}/api/v1/heartbeats`)).json()) as {
      data: { job: string; state: string }[];
    };
    expect(list.data.find((j) => j.job === "nightly-backup")?.state).toBe("failed");

    // Self-metrics of the rule manager and of the data directory's disk.
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    const value = (name: string) =>
      Number(new RegExp(`^${name} (\\S+)$`, "m").exec(metrics)?.[1] ?? Number.NaN);
    expect(value("reddot_rule_evaluations_total")).toBeGreaterThan(0);
    const ruleErrors = (await groups()).flatMap((g) =>
      g.rules
        .filter((r) => r.health !== "ok")
        .map((r) => `${g.name}/${r.name}: ${JSON.stringify(r)}`),
    );
    expect(value("reddot_rule_evaluation_failures_total"), ruleErrors.join("\n")).toBe(0);
    expect(value("reddot_data_dir_size_bytes")).toBeGreaterThan(0);
    expect(value("reddot_data_dir_avail_bytes")).toBeGreaterThan(0);
    expect(value("reddot_alerts_received_total")).toBeGreaterThan(0);
  }, 60_000);
});
