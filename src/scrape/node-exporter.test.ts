import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScrapeManager } from "./manager.js";
import { MemoryAppendable, testJob, waitFor } from "./testing.js";

const BIN = "/usr/bin/prometheus-node-exporter";
const present = existsSync(BIN);

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe.skipIf(!present)(`scraping a real node_exporter (skipped when ${BIN} is absent)`, () => {
  let child: ChildProcess;
  let address: string;
  let output = "";

  beforeAll(async () => {
    address = `127.0.0.1:${await freePort()}`;
    child = spawn(BIN, [`--web.listen-address=${address}`], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    let ready = false;
    const deadline = Date.now() + 20_000;
    while (!ready) {
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`node_exporter did not start on ${address}: ${output.slice(-2000)}`);
      }
      ready = await fetch(`http://${address}/metrics`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(async () => {
    if (child === undefined || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  });

  it("scrapes node_exporter: up=1, node_* series labelled, go_* dropped by metric relabeling", async () => {
    const store = new MemoryAppendable();
    const errors: string[] = [];
    const manager = new ScrapeManager(store, {
      onError: (t, e) => errors.push(`${t}: ${e.message}`),
    });
    try {
      manager.apply([
        testJob([address], {
          jobName: "node",
          scrapeInterval: 1000,
          scrapeTimeout: 900,
          metricRelabelConfigs: [
            {
              sourceLabels: ["__name__"],
              separator: ";",
              regex: "go_.*",
              replacement: "$1",
              action: "drop",
            },
          ],
        }),
      ]);
      const up = () => store.named("up");
      await waitFor("two scrapes of node_exporter", () => up().length >= 2, 30_000);
      expect(errors).toEqual([]);
      expect(up().map((s) => s.v)).toEqual(up().map(() => 1));
      const first = store.samples.filter((s) => s.commit === up()[0].commit);
      const names = new Set(
        first.map((s) => s.labels.find((l) => l.name === "__name__")?.value ?? ""),
      );
      expect(names.has("node_cpu_seconds_total")).toBe(true);
      expect([...names].some((n) => n.startsWith("go_"))).toBe(false);
      for (const s of first) {
        expect(s.labels.find((l) => l.name === "instance")?.value).toBe(address);
        expect(s.labels.find((l) => l.name === "job")?.value).toBe("node");
      }
      const scraped = store.named("scrape_samples_scraped")[0].v;
      const kept = store.named("scrape_samples_post_metric_relabeling")[0].v;
      expect(scraped).toBeGreaterThan(kept);
      expect(kept).toBeGreaterThan(100);
      expect(manager.targets().active[0]).toMatchObject({ health: "up", lastError: "" });
    } finally {
      await manager.stop();
    }
  });
});
