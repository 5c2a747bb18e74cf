/**
 * Parses real node_exporter output in both formats it is asked for. Starts
 * the binary on a free loopback port and stops it afterwards.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isOpenMetrics, parseExposition } from "./parse.js";

const BIN = "/usr/bin/prometheus-node-exporter";
const present = existsSync(BIN);
if (!present) console.warn(`skipping node_exporter test: ${BIN} is not installed`);

async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

/** Fetches until the exporter answers, or fails after `attempts` tries. */
async function fetchWhenUp(url: string, accept: string, attempts = 100): Promise<Response> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fetch(url, { headers: { accept } });
    } catch (e) {
      last = e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`node_exporter did not answer at ${url}`, { cause: last });
}

/** Lines that carry a sample: neither blank nor comments. */
function sampleLines(body: string): string[] {
  return body.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("#"));
}

describe.skipIf(!present)("node_exporter", () => {
  let proc: ChildProcess | undefined;
  let url = "";

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/metrics`;
    proc = spawn(BIN, [`--web.listen-address=127.0.0.1:${port}`], { stdio: "ignore" });
  });

  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = once(proc, "exit");
      proc.kill("SIGTERM");
      await exited;
    }
  });

  for (const [format, accept] of [
    ["text", "text/plain;version=0.0.4"],
    ["OpenMetrics", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5"],
  ]) {
    it(`parses the ${format} answer`, async () => {
      const res = await fetchWhenUp(url, accept);
      expect(res.status).toBe(200);
      const contentType = res.headers.get("content-type") ?? undefined;
      const body = await res.text();
      // node_exporter builds without OpenMetrics support answer text/plain to
      // both requests; the body is then checked as text.
      const om = isOpenMetrics(contentType);
      const parsed = parseExposition(body, contentType, Date.now());

      const lines = sampleLines(body);
      const created = om ? lines.filter((l) => /^[^{ ]*_created[{ ]/.test(l)).length : 0;
      expect(parsed.entries.length).toBe(lines.length - created);

      const cpu = parsed.entries.filter((e) => e.key.startsWith("node_cpu_seconds_total{"));
      expect(cpu.length).toBeGreaterThan(0);
      for (const e of cpu) {
        expect(e.labels.find((l) => l.name === "mode")?.value).toMatch(/^[a-z]+$/);
        expect(e.labels[0]).toEqual({ name: "__name__", value: "node_cpu_seconds_total" });
      }
      // OpenMetrics names a counter family without its _total suffix.
      const family = parsed.metadata.get(om ? "node_cpu_seconds" : "node_cpu_seconds_total");
      expect(family?.type).toBe("counter");
      // Summaries are normalised: go_gc_duration_seconds{quantile="1"} -> "1.0".
      const quantiles = parsed.entries
        .filter((e) => e.key.startsWith("go_gc_duration_seconds{"))
        .map((e) => e.labels.find((l) => l.name === "quantile")?.value);
      expect(quantiles).toContain("1.0");
    });
  }
});
