import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScrapeManager } from "./manager.js";
import { MemoryAppendable, type Served, TestExporter, testJob, waitFor } from "./testing.js";
import type { RelabelConfig, ScrapeConfig } from "./types.js";

let exporter: TestExporter;
let address: string;
let served: Served;
let manager: ScrapeManager;
let store: MemoryAppendable;
let errors: string[];

beforeEach(async () => {
  exporter = new TestExporter();
  await exporter.start();
  address = exporter.address;
  served = exporter.served;
  store = new MemoryAppendable();
  errors = [];
  manager = new ScrapeManager(store, { onError: (t, e) => errors.push(`${t}: ${e.message}`) });
});

afterEach(async () => {
  await manager.stop();
  await exporter.close();
});

const job = (c: Partial<ScrapeConfig> = {}) => testJob([address], c);
const series = (name: string, jobName = "test", extra = "") =>
  `${name}{${extra}instance="${address}", job="${jobName}"}`;
const values = (name: string, jobName = "test") => store.of(series(name, jobName)).map((s) => s.v);
const lastValue = (name: string, jobName = "test") => values(name, jobName).at(-1);

describe("ScrapeManager against a real HTTP server", () => {
  it("scrapes a target: samples with target labels, up=1 and the scrape's own series", async () => {
    served.body = '# TYPE m gauge\nm{a="x"} 5\nother 7\n';
    manager.apply([job({ staticConfigs: [{ targets: [address], labels: { env: "dev" } }] })]);
    await waitFor("up=1", () => store.named("up").some((s) => s.v === 1));
    const up = store.named("up").find((s) => s.v === 1) ?? store.named("up")[0];
    expect(up.series).toBe(`up{env="dev", instance="${address}", job="test"}`);
    expect(up.v).toBe(1);
    const first = store.samples.filter((s) => s.commit === up.commit);
    const byName = Object.fromEntries(
      first.map((s) => [s.labels.find((l) => l.name === "__name__")?.value, s]),
    );
    expect(byName.m.series).toBe(`m{a="x", env="dev", instance="${address}", job="test"}`);
    expect(byName.m.v).toBe(5);
    expect(byName.other.v).toBe(7);
    expect(byName.scrape_samples_scraped.v).toBe(2);
    expect(byName.scrape_samples_post_metric_relabeling.v).toBe(2);
    expect(byName.scrape_series_added.v).toBe(2);
    expect(byName.scrape_duration_seconds.v).toBeGreaterThan(0);
    // One commit holds the whole scrape, at one timestamp.
    expect(new Set(first.map((s) => s.t)).size).toBe(1);

    const [t] = manager.targets().active;
    expect(t).toMatchObject({
      scrapePool: "test",
      scrapeUrl: `http://${address}/metrics`,
      labels: { env: "dev", instance: address, job: "test" },
      scrapeInterval: "100ms",
      scrapeTimeout: "100ms",
    });
    const latest = store.named("up").at(-1);
    expect(t.health).toBe(latest?.v === 1 ? "up" : "down");
    expect(t.discoveredLabels.__address__).toBe(address);
    expect(Date.parse(t.lastScrape)).toBe(latest?.t);
    expect(exporter.requests[0].headers.accept).toMatch(
      /^application\/openmetrics-text;version=1\.0\.0/,
    );
    expect(exporter.requests[0].headers["accept-encoding"]).toBe("gzip");
  });

  it("a failing target: up=0, health down, lastError, and stale markers for its series", async () => {
    served.body = "a 1\nb 2\n";
    manager.apply([job()]);
    await waitFor("first scrape", () => values("a").length > 0);
    served.status = 500;
    await waitFor("up=0", () => lastValue("up") === 0);
    const failed = store.of(series("up")).find((s) => s.v === 0);
    const inFailure = store.samples.filter((s) => s.commit === failed?.commit);
    expect(inFailure.filter((s) => s.stale).map((s) => s.series)).toEqual([
      series("a"),
      series("b"),
    ]);
    expect(manager.targets().active[0]).toMatchObject({
      health: "down",
      lastError: "server returned HTTP status 500 Internal Server Error",
    });
    expect(errors.some((e) => e.includes("HTTP status 500"))).toBe(true);
    // Recovery: up again, series back.
    served.status = 200;
    await waitFor("up=1 again", () => lastValue("up") === 1 && values("up").includes(0));
  });

  it("times out a slow target", async () => {
    served.delay = 400;
    manager.apply([job({ scrapeInterval: 200, scrapeTimeout: 50 })]);
    await waitFor("up=0", () => lastValue("up") === 0);
    expect(manager.targets().active[0].lastError).toMatch(
      /scrape timed out: no complete response within 50ms/,
    );
  });

  it("fails a scrape whose body is over body_size_limit, compressed or not", async () => {
    served.body = `${"x".repeat(2000)} 1\n`;
    manager.apply([job({ bodySizeLimit: 1000 })]);
    await waitFor("up=0", () => lastValue("up") === 0);
    expect(manager.targets().active[0].lastError).toMatch(/body size limit exceeded.*1000 bytes/);
    // Gzip shrinks it far below the limit; the limit applies to the uncompressed body.
    served.gzip = true;
    const before = store.named("up").length;
    await waitFor("another scrape", () => store.named("up").length > before + 1);
    expect(lastValue("up")).toBe(0);
  });

  it("reads a gzip-compressed response", async () => {
    served.gzip = true;
    served.body = "zipped 42\n";
    manager.apply([job()]);
    await waitFor("zipped", () => values("zipped").length > 0);
    expect(values("zipped")[0]).toBe(42);
  });

  it("reads an OpenMetrics response (timestamps in seconds)", async () => {
    served.contentType = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    served.body = "# TYPE req counter\nreq_total 3\n# TYPE t gauge\nt 1 1700000000.5\n# EOF\n";
    manager.apply([job()]);
    await waitFor("req_total", () => values("req_total").length > 0);
    expect(values("req_total")[0]).toBe(3);
    expect(store.of(series("t"))[0].t).toBe(1_700_000_000_500);
  });

  it("sample_limit: too many samples fail the whole scrape", async () => {
    served.body = "a 1\nb 2\nc 3\n";
    manager.apply([job({ sampleLimit: 2 })]);
    await waitFor("up=0", () => lastValue("up") === 0);
    expect(values("a")).toEqual([]);
    expect(manager.targets().active[0].lastError).toMatch(/sample_limit exceeded/);
    expect(lastValue("scrape_samples_scraped")).toBe(3);
  });

  it("honor_labels false renames, true keeps the exposed job label", async () => {
    served.body = 'pushed{job="batch"} 1\n';
    manager.apply([job({ jobName: "renaming" }), job({ jobName: "honoring", honorLabels: true })]);
    await waitFor("both", () => store.named("pushed").length >= 2);
    const seen = new Set(store.named("pushed").map((s) => s.series));
    expect(seen).toEqual(
      new Set([
        `pushed{exported_job="batch", instance="${address}", job="renaming"}`,
        `pushed{instance="${address}", job="batch"}`,
      ]),
    );
  });

  it("metric_relabel_configs drop series before they are written", async () => {
    served.body = "go_threads 9\nkeep_me 1\n";
    const drop: RelabelConfig = {
      sourceLabels: ["__name__"],
      separator: ";",
      regex: "go_.*",
      replacement: "$1",
      action: "drop",
    };
    manager.apply([job({ metricRelabelConfigs: [drop] })]);
    await waitFor("keep_me", () => values("keep_me").length > 0);
    expect(store.named("go_threads")).toEqual([]);
    expect(lastValue("scrape_samples_post_metric_relabeling")).toBe(1);
  });

  it("writes a stale marker when a series disappears from the exposition", async () => {
    served.body = "a 1\nb 2\n";
    manager.apply([job()]);
    await waitFor("b", () => values("b").length > 0);
    served.body = "a 1\n";
    await waitFor("b stale", () => store.of(series("b")).some((s) => s.stale));
    const stale = store.of(series("b")).find((s) => s.stale);
    expect(
      store.samples.filter((s) => s.commit === stale?.commit && s.series === series("a")),
    ).toHaveLength(1);
    expect(store.of(series("a")).some((s) => s.stale)).toBe(false);
  });
});
