import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runAgent } from "./agent.js";
import type { AgentChecksAnswer, AgentReport } from "./report.js";

const TOKEN = "agent-test-token-1234567890";

const CHECKS: AgentChecksAnswer = {
  host: "testhost",
  roles: ["base"],
  checks: [
    {
      kind: "builtin",
      name: "load",
      builtin: "load",
      params: { warn: [1000, 1000, 1000], crit: [2000, 2000, 2000] },
      intervalMs: 1000,
      timeoutMs: 900,
    },
    {
      kind: "plugin",
      name: "dummy",
      command: "check_dummy",
      args: ["1", "dummy says hi"],
      intervalMs: 1000,
      timeoutMs: 900,
    },
  ],
};

interface Recorded {
  reports: AgentReport[];
  auth: Set<string>;
  checkQueries: string[];
}

function body(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function fakeServer(rec: Recorded): Server {
  return createServer((req, res) => {
    void (async () => {
      rec.auth.add(req.headers.authorization ?? "");
      if (req.method === "GET" && req.url?.startsWith("/api/v1/agent/checks")) {
        rec.checkQueries.push(req.url);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(CHECKS));
        return;
      }
      if (req.method === "POST" && req.url === "/api/v1/agent/report") {
        const raw = await body(req);
        const json = req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw;
        rec.reports.push(JSON.parse(json.toString("utf8")) as AgentReport);
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(404);
      res.end();
    })();
  });
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("runAgent", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "reddot-agent-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reports metrics, check results and facts, and replays its spool after a server outage", async () => {
    const rec: Recorded = { reports: [], auth: new Set(), checkQueries: [] };
    let server = fakeServer(rec);
    const port = await listen(server, 0);
    const logs: string[] = [];
    const ac = new AbortController();
    const done = runAgent({
      server: `http://127.0.0.1:${port}/`,
      token: TOKEN,
      host: "testhost",
      spoolDir: join(dir, "spool"),
      pluginDirs: ["/usr/lib/nagios/plugins"],
      intervalMs: 1000,
      factsIntervalMs: 3_600_000,
      signal: ac.signal,
      sendBackoff: { baseMs: 100, capMs: 300 },
      log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })),
    });
    try {
      const checksSeen = (name: string) =>
        rec.reports.some((r) => r.checks.some((c) => c.check === name));
      await waitFor(
        "reports with both checks",
        () => rec.reports.length >= 2 && checksSeen("load") && checksSeen("dummy"),
      );
      expect(rec.checkQueries[0]).toBe("/api/v1/agent/checks?host=testhost");
      expect([...rec.auth]).toEqual([`Bearer ${TOKEN}`]);
      const first = rec.reports[0] as AgentReport;
      expect(first.seq).toBe(1);
      expect(first.host).toBe("testhost");
      expect(first.version).toBe(1);
      expect(first.facts && "full" in first.facts).toBe(true);
      expect(rec.reports.slice(1).every((r) => r.facts === undefined)).toBe(true);
      expect(rec.reports.every((r) => r.runId === first.runId)).toBe(true);
      for (const r of rec.reports) {
        expect(r.samples.some((s) => s.name === "node_load1")).toBe(true);
      }
      const dummy = rec.reports.flatMap((r) => r.checks).find((c) => c.check === "dummy");
      expect(dummy?.status).toBe(1);
      expect(dummy?.output).toContain("dummy says hi");
      const load = rec.reports.flatMap((r) => r.checks).find((c) => c.check === "load");
      expect(load?.status).toBe(0);
      expect(load?.status).not.toBe(3);

      // Outage: reports built meanwhile are spooled and replayed in order afterwards.
      await close(server);
      const beforeOutage = Math.max(...rec.reports.map((r) => r.seq));
      await waitFor("a delivery failure", () => logs.some((l) => l.includes("delivery failed")));
      await new Promise((r) => setTimeout(r, 2000));
      server = fakeServer(rec);
      await listen(server, port);
      await waitFor("reports after the outage", () =>
        rec.reports.some((r) => r.seq >= beforeOutage + 3),
      );
      const seqs = [...new Set(rec.reports.map((r) => r.seq))].sort((a, b) => a - b);
      const max = seqs[seqs.length - 1] as number;
      expect(seqs).toEqual(Array.from({ length: max }, (_, i) => i + 1));

      // The agent's own metrics tell the story: its report count, and a spool
      // that filled during the outage with failed deliveries counted.
      const self = (r: AgentReport, name: string) =>
        r.samples.find((s) => s.name === name && Object.keys(s.labels).length === 0)?.v;
      for (const r of rec.reports) expect(self(r, "reddot_agent_reports_total")).toBe(r.seq);
      const during = rec.reports.filter((r) => r.seq > beforeOutage);
      expect(during.some((r) => (self(r, "reddot_agent_spool_reports") ?? 0) > 0)).toBe(true);
      const last = rec.reports.find((r) => r.seq === max) as AgentReport;
      expect(self(last, "reddot_agent_delivery_failures_total")).toBeGreaterThan(0);
      expect(self(last, "reddot_agent_spool_dropped_reports_total")).toBe(0);
      expect(self(last, "reddot_agent_process_resident_memory_bytes")).toBeGreaterThan(1e6);
      expect(logs.join("\n")).not.toContain(TOKEN);
    } finally {
      ac.abort();
      await done;
      await close(server);
    }
  }, 40_000);
});
